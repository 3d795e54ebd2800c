using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Mdev.Core;
using Mdev.Samples.NvidiaVgpu;
using Mdev.Vfio;

namespace Mdev.Sim.Control.Tests;

/// <summary>The control API over a real UNIX socket: HTTP+JSON through Kestrel, bad input refused with nothing changed.</summary>
public sealed class ControlServerTests : IAsyncLifetime
{
    private const string Gpu = "0000:3e:00.0";
    private readonly string _dir = Directory.CreateTempSubdirectory("mdev-ctl-").FullName;
    private readonly MdevCore _core = new();
    private ControlServer _server = null!;
    private HttpClient _http = null!;

    private string Socket => Path.Combine(_dir, "ctl.sock");

    public async Task InitializeAsync()
    {
        var vfio = new VfioModule(_core);
        NvidiaVgpu.Register(_core, vfio);
        _server = await ControlServer.StartAsync(_core, Socket, new ControlServerOptions
        {
            AddParent = body => body.GetProperty("kind").GetString() == "nvidia"
                ? NvidiaVgpu.Register(_core, vfio, new NvidiaGpuOptions { PciAddress = body.GetProperty("pciAddress").GetString()! })
                : throw new MdevException(Errno.EINVAL, $"unknown parent kind \"{body.GetProperty("kind").GetString()}\""),
        });
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, token) =>
            {
                var socket = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(Socket), token);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://mdev-sim/") };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        await _core.DisposeAsync();
        File.Exists(Socket).Should().BeFalse("the server removes its socket");
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task State_ListsTheParent_ItsTypes_AndCreateAttempts()
    {
        var type = _core.FindParent(Gpu)!.Types[0];
        _core.CreateMdevDevice(type, Guid.NewGuid());
        using var state = await GetJson("state");
        var parent = state.RootElement.GetProperty("parents").EnumerateArray().Single();
        parent.GetProperty("name").GetString().Should().Be(Gpu);
        parent.GetProperty("driver").GetString().Should().Be("nvidia");
        parent.GetProperty("registered").GetBoolean().Should().BeTrue();
        var first = parent.GetProperty("types")[0];
        first.GetProperty("name").GetString().Should().Be(type.Name);
        first.GetProperty("createAttempts").GetInt64().Should().Be(1);
        first.GetProperty("devices").GetArrayLength().Should().Be(1);
        state.RootElement.GetProperty("mdevLoaded").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task ArmedFault_FailsTheCreate_ShowsItsHits_AndIsClearedByDelete()
    {
        var type = _core.FindParent(Gpu)!.Types[0];
        using var armed = await Send(HttpMethod.Post, "faults", $$"""{"point":"create","errno":"ENOSPC","parent":"{{Gpu}}","type":"{{type.Name}}","untilCleared":true}""", HttpStatusCode.Created);
        int id = armed.RootElement.GetProperty("id").GetInt32();
        armed.RootElement.GetProperty("remaining").ValueKind.Should().Be(JsonValueKind.Null);

        var ex = Assert.Throws<MdevException>(() => _core.Sysfs.Write(type.SysfsPath + "/create", Guid.NewGuid().ToString()));
        ex.Errno.Should().Be(Errno.ENOSPC);
        using (var faults = await GetJson("faults"))
        {
            faults.RootElement[0].GetProperty("hits").GetInt32().Should().Be(1);
        }

        (await Send(HttpMethod.Delete, $"faults/{id}", null, HttpStatusCode.OK)).Dispose();
        _core.Faults.Armed.Should().BeEmpty();
        using var again = await Send(HttpMethod.Delete, $"faults/{id}", null, HttpStatusCode.NotFound);
        again.RootElement.GetProperty("error").GetString().Should().Contain($"no fault #{id}");
    }

    [Theory]
    [InlineData("""{"point":"create","errno":"ENOTANERRNO"}""", "unknown errno name 'ENOTANERRNO'")]
    [InlineData("""{"point":"creat","errno":"EIO"}""", "unknown point 'creat'")]
    [InlineData("""{"point":"create"}""", "\"errno\" is required")]
    [InlineData("""{"point":"create","errno":"EIO","times":0}""", "at least 1")]
    [InlineData("""{"point":"create","errno":"EIO","times":2,"untilCleared":true}""", "exclude each other")]
    [InlineData("""{"point":"create","errno":"EIO","tiems":2}""", "tiems")]
    [InlineData("""{"point":"create","errno":""", "malformed JSON")]
    [InlineData("", "malformed JSON")]
    public async Task BadFaultRequests_Are400_NamingWhatWasWrong_AndArmNothing(string body, string named)
    {
        using var answer = await Send(HttpMethod.Post, "faults", body, HttpStatusCode.BadRequest);
        answer.RootElement.GetProperty("error").GetString().Should().Contain(named);
        answer.RootElement.GetProperty("errno").GetString().Should().Be("EINVAL");
        _core.Faults.Armed.Should().BeEmpty();
    }

    [Fact]
    public async Task UnknownParent_Is404_ForFaultsAndHotplug_AndChangesNothing()
    {
        using (var a = await Send(HttpMethod.Post, "faults", """{"point":"create","errno":"EIO","parent":"0000:99:00.0"}""", HttpStatusCode.NotFound))
        {
            a.RootElement.GetProperty("error").GetString().Should().Contain("unknown parent '0000:99:00.0'");
        }

        foreach (var (method, path) in new[] { (HttpMethod.Post, "parents/nope/unbind"), (HttpMethod.Post, "parents/nope/bind"), (HttpMethod.Delete, "parents/nope") })
        {
            using var b = await Send(method, path, null, HttpStatusCode.NotFound);
            b.RootElement.GetProperty("errno").GetString().Should().Be("ENODEV");
        }

        _core.Faults.Armed.Should().BeEmpty();
        _core.Parents.Should().HaveCount(1);
    }

    [Fact]
    public async Task UnbindAndBind_HotplugTheParent_AsTheDriverFilesDo()
    {
        using (var unbound = await Send(HttpMethod.Post, $"parents/{Gpu}/unbind", null, HttpStatusCode.OK))
        {
            unbound.RootElement.GetProperty("registered").GetBoolean().Should().BeFalse();
            unbound.RootElement.GetProperty("driver").ValueKind.Should().Be(JsonValueKind.Null);
        }

        _core.Parents.Should().BeEmpty();
        using (var twice = await Send(HttpMethod.Post, $"parents/{Gpu}/unbind", null, HttpStatusCode.NotFound))
        {
            twice.RootElement.GetProperty("error").GetString().Should().Contain("not bound");
        }

        using var bound = await Send(HttpMethod.Post, $"parents/{Gpu}/bind", null, HttpStatusCode.OK);
        bound.RootElement.GetProperty("registered").GetBoolean().Should().BeTrue();
        _core.FindParent(Gpu).Should().NotBeNull();
        (await Send(HttpMethod.Post, $"parents/{Gpu}/bind", null, HttpStatusCode.Conflict)).Dispose();
    }

    [Fact]
    public async Task AddParent_FromHostFileVocabulary_ThenDeleteIt()
    {
        using (var added = await Send(HttpMethod.Post, "parents", """{"kind":"nvidia","pciAddress":"0000:3f:00.0"}""", HttpStatusCode.Created))
        {
            added.RootElement.GetProperty("name").GetString().Should().Be("0000:3f:00.0");
        }

        _core.FindParent("0000:3f:00.0").Should().NotBeNull();
        (await Send(HttpMethod.Post, "parents", """{"kind":"voodoo"}""", HttpStatusCode.BadRequest)).Dispose();
        (await Send(HttpMethod.Post, "parents", """[1]""", HttpStatusCode.BadRequest)).Dispose();
        (await Send(HttpMethod.Post, "parents", """{"kind":"nvidia","pciAddress":"0000:3f:00.0"}""", HttpStatusCode.Conflict)).Dispose();
        _core.Parents.Should().HaveCount(2);

        (await Send(HttpMethod.Delete, "parents/0000:3f:00.0", null, HttpStatusCode.OK)).Dispose();
        _core.FindParent("0000:3f:00.0").Should().BeNull();
        _core.Sysfs.Exists("/sys/devices/pci0000:00/0000:3f:00.0").Should().BeFalse();
    }

    /// <summary>What a shell test does: curl on the socket.</summary>
    [Fact]
    public async Task Curl_OnTheUnixSocket_ArmsAndReads()
    {
        var (status, output) = await Curl("-X", "POST", "-d", """{"point":"device-open","errno":"EIO"}""", "http://mdev-sim/faults");
        status.Should().Be(0, output);
        output.Should().Contain("\"point\":\"device-open\"").And.Contain("\"errno\":\"EIO\"");
        (status, output) = await Curl("-X", "POST", "-d", """{"point":"device-open","errno":"EWHAT"}""", "http://mdev-sim/faults");
        output.Should().Contain("unknown errno name 'EWHAT'").And.Contain("400");
        _core.Faults.Armed.Should().ContainSingle().Which.Spec.Errno.Should().Be(Errno.EIO);
    }

    private async Task<(int Status, string Output)> Curl(params string[] args)
    {
        var start = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-sS", "-w", "\n%{http_code}\n", "--unix-socket", Socket }.Concat(args))
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output + error);
    }

    private async Task<JsonDocument> GetJson(string path)
    {
        using var response = await _http.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonDocument> Send(HttpMethod method, string path, string? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(expected, text);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        return JsonDocument.Parse(text);
    }
}
