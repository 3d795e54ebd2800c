using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Mdev.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mdev.Sim.Control;

/// <summary>The handlers of <see cref="ControlServer"/>: plain <see cref="RequestDelegate"/>s (no reflection), JSON through <see cref="ControlJsonContext"/>.</summary>
internal sealed class ControlEndpoints(MdevCore core, ControlServerOptions options)
{
    private static readonly ControlJsonContext Json = ControlJsonContext.Relaxed;

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/state", Guard(State));
        app.MapGet("/faults", Guard(ListFaults));
        app.MapPost("/faults", Guard(ArmFault));
        app.MapDelete("/faults", Guard(ClearFaults));
        app.MapDelete("/faults/{id}", Guard(ClearFault));
        app.MapPost("/parents", Guard(AddParent));
        app.MapDelete("/parents/{name}", Guard(DeleteParent));
        app.MapPost("/parents/{name}/unbind", Guard(Unbind));
        app.MapPost("/parents/{name}/bind", Guard(Bind));
    }

    internal ControlState Snapshot()
    {
        var parents = core.TreeDevices
            .Where(d => d.WasParent)
            .Select(d =>
            {
                var parent = core.FindParent(d.Name);
                var types = parent?.Types.Select(t => new TypeState(t.Name, t.AvailableInstances, t.CreateAttempts, t.Devices.Select(m => m.Name).ToArray())).ToArray() ?? [];
                return new ParentState(d.Name, d.SysfsPath, d.Bus, d.Driver, parent is not null, types);
            })
            .ToArray();
        return new ControlState(core.Options.MdevLoaded, parents, core.Faults.Armed.Select(ToState).ToArray());
    }

    private static FaultState ToState(Fault f) =>
        new(f.Id, FaultSpec.PointName(f.Spec.Point), f.Spec.Errno.ToString(), f.Remaining, f.Hits, f.Spec.Parent, f.Spec.Type, f.Spec.Device, f.Spec.Attribute);

    private Task State(HttpContext context) => Reply(context, StatusCodes.Status200OK, Snapshot(), Json.ControlState);

    private Task ListFaults(HttpContext context) =>
        Reply(context, StatusCodes.Status200OK, Snapshot().Faults, Json.IReadOnlyListFaultState);

    private async Task ArmFault(HttpContext context)
    {
        var request = await ReadAsync(context, Json.FaultRequest).ConfigureAwait(false);
        var fault = core.Faults.Arm(request.ToSpec(core));
        await Reply(context, StatusCodes.Status201Created, ToState(fault), Json.FaultState).ConfigureAwait(false);
    }

    private Task ClearFaults(HttpContext context)
    {
        core.Faults.ClearAll();
        return Reply(context, StatusCodes.Status200OK, Snapshot().Faults, Json.IReadOnlyListFaultState);
    }

    private Task ClearFault(HttpContext context)
    {
        var text = (string?)context.Request.RouteValues["id"];
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
        {
            throw new MdevException(Errno.EINVAL, $"clear fault: '{text}' is not a fault id");
        }

        if (!core.Faults.Clear(id))
        {
            throw new MdevException(Errno.ENOENT, $"clear fault: no fault #{id} is armed");
        }

        return Reply(context, StatusCodes.Status200OK, Snapshot().Faults, Json.IReadOnlyListFaultState);
    }

    private async Task AddParent(HttpContext context)
    {
        var add = options.AddParent ?? throw new MdevException(Errno.ENOSYS, "add parent: this host cannot add parents");
        var body = await ReadAsync(context, Json.JsonElement).ConfigureAwait(false);
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new MdevException(Errno.EINVAL, "add parent: the body must be one parent object, e.g. {\"kind\":\"mtty\"}");
        }

        var parent = add(body);
        await Reply(context, StatusCodes.Status201Created, Snapshot().Parents.First(p => p.Name == parent.Device.Name), Json.ParentState).ConfigureAwait(false);
    }

    private async Task DeleteParent(HttpContext context)
    {
        var device = Required(context, "remove parent");
        await core.DeleteDeviceAsync(device).ConfigureAwait(false);
        await Reply(context, StatusCodes.Status200OK, Snapshot(), Json.ControlState).ConfigureAwait(false);
    }

    private async Task Unbind(HttpContext context)
    {
        var device = Required(context, "unbind");
        await core.DetachDriverAsync(device).ConfigureAwait(false);
        await Reply(context, StatusCodes.Status200OK, Snapshot().Parents.First(p => p.Name == device.Name), Json.ParentState).ConfigureAwait(false);
    }

    private Task Bind(HttpContext context)
    {
        var device = Required(context, "bind");
        core.AttachDriver(device);
        return Reply(context, StatusCodes.Status200OK, Snapshot().Parents.First(p => p.Name == device.Name), Json.ParentState);
    }

    private Device? Find(string name) => core.TreeDevices.FirstOrDefault(d => d.Name == name);

    private Device Required(HttpContext context, string what)
    {
        var name = (string?)context.Request.RouteValues["name"] ?? string.Empty;
        return Find(name) ?? throw new MdevException(Errno.ENODEV, $"{what}: unknown parent '{name}'");
    }

    private static async Task<T> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type)
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync(context.Request.Body, type, context.RequestAborted).ConfigureAwait(false);
            return value ?? throw new MdevException(Errno.EINVAL, "malformed JSON: the body is null");
        }
        catch (JsonException ex)
        {
            throw new MdevException(Errno.EINVAL, $"malformed JSON: {ex.Message}", ex);
        }
    }

    private static async Task Reply<T>(HttpContext context, int status, T value, JsonTypeInfo<T> type)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, value, type, context.RequestAborted).ConfigureAwait(false);
        await context.Response.WriteAsync("\n", context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Turns a refused request (<see cref="MdevException"/>) into its status and <see cref="ControlError"/>.</summary>
    private static RequestDelegate Guard(Func<HttpContext, Task> handler) => async context =>
    {
        try
        {
            await handler(context).ConfigureAwait(false);
        }
        catch (MdevException ex)
        {
            int status = ex.Errno switch
            {
                Errno.EINVAL => StatusCodes.Status400BadRequest,
                Errno.ENODEV or Errno.ENOENT => StatusCodes.Status404NotFound,
                Errno.EBUSY or Errno.EEXIST => StatusCodes.Status409Conflict,
                Errno.ENOSYS => StatusCodes.Status501NotImplemented,
                _ => StatusCodes.Status500InternalServerError,
            };
            await Reply(context, status, new ControlError(ex.Message, ex.Errno.ToString()), Json.ControlError).ConfigureAwait(false);
        }
    };
}
