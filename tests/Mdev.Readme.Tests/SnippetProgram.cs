using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Mdev.Readme.Tests;

/// <summary>
/// Compiles README blocks as a reader's <c>dotnet new console</c> project would (implicit usings, nullable on, every
/// warning an error) against the assemblies this test loads, and runs them.
/// </summary>
internal static class SnippetProgram
{
    // What the SDK's ImplicitUsings puts in a console project.
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<MetadataReference[]> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => Path.GetFileName(path) != typeof(SnippetProgram).Assembly.GetName().Name + ".dll") // its own copy of the driver
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToArray());

    /// <summary>True when the block has statements (a program); false when it only declares types.</summary>
    public static bool IsProgram(ReadmeBlock block) =>
        Parse(block).GetCompilationUnitRoot().Members.OfType<GlobalStatementSyntax>().Any();

    /// <summary>Compiles the block with the README's declaration blocks; the errors and warnings, none when it builds.</summary>
    public static (Assembly? Assembly, IReadOnlyList<string> Diagnostics) Compile(ReadmeBlock program, IEnumerable<ReadmeBlock> declarations)
    {
        var trees = new List<SyntaxTree> { CSharpSyntaxTree.ParseText(ImplicitUsings, ParseOptions, path: "ImplicitUsings.cs"), Parse(program) };
        trees.AddRange(declarations.Select(Parse));
        var compilation = CSharpCompilation.Create(
            $"ReadmeSnippet{program.Line}_{Guid.NewGuid():N}",
            trees,
            References.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
                {
                    // The SDK's own defaults (NoWarn 1701;1702: assembly version unification).
                    ["CS1701"] = ReportDiagnostic.Suppress,
                    ["CS1702"] = ReportDiagnostic.Suppress,
                }));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        var diagnostics = result.Diagnostics
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Select(d => d.ToString())
            .ToList();
        if (!result.Success || diagnostics.Count > 0)
        {
            return (null, diagnostics);
        }

        image.Position = 0;
        return (AssemblyLoadContext.Default.LoadFromStream(image), diagnostics);
    }

    /// <summary>Runs the program's entry point on a thread of its own; what it wrote to the console.</summary>
    public static async Task<string> RunAsync(Assembly assembly, TimeSpan hangGuard)
    {
        var entry = assembly.EntryPoint ?? throw new InvalidOperationException("no entry point");
        var output = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(output);
        try
        {
            var run = Task.Factory.StartNew(
                () => entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]),
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
            if (await Task.WhenAny(run, Task.Delay(hangGuard)) != run)
            {
                throw new TimeoutException($"the program still runs after {hangGuard} (a hang)");
            }

            try
            {
                await run;
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            }
        }
        finally
        {
            Console.SetOut(previous);
        }

        return output.ToString();
    }

    private static SyntaxTree Parse(ReadmeBlock block) =>
        CSharpSyntaxTree.ParseText(block.Code, ParseOptions, path: block.File ?? $"README.md:{block.Line}");
}
