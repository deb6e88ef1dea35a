#:package Microsoft.CodeAnalysis.CSharp
// Counts the lines of every method, constructor, local function and block-bodied lambda in the production projects
// (the repository's TracSeq.* projects that are not tests), and lists those over 40 and over 60 lines.
// Usage, from the repository root: dotnet run scripts/method-lengths.cs [--max60 N] [--max40 N]
// With a limit given, exits 1 when the count is above it (CI or a pre-commit hook can hold the line).
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

var root = Directory.GetCurrentDirectory();
int? Limit(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : null;
var projects = Directory.GetDirectories(root, "TracSeq.*")
    .Where(d => !Path.GetFileName(d).Contains("Test", StringComparison.Ordinal));
var lengths = new List<(string Where, int Lines)>();
foreach (var file in projects.SelectMany(p => Directory.EnumerateFiles(p, "*.cs", SearchOption.AllDirectories))
             .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal)))
{
    var tree = CSharpSyntaxTree.ParseText(File.ReadAllText(file), path: file);
    foreach (var node in tree.GetRoot().DescendantNodes())
    {
        var (name, body) = node switch
        {
            BaseMethodDeclarationSyntax m => (m switch
            {
                MethodDeclarationSyntax md => md.Identifier.Text,
                ConstructorDeclarationSyntax cd => cd.Identifier.Text + " (constructor)",
                _ => m.Kind().ToString(),
            }, (SyntaxNode?)m),
            LocalFunctionStatementSyntax l => (l.Identifier.Text + " (local function)", l),
            LambdaExpressionSyntax { Block: not null } x => ("lambda", x),
            AccessorDeclarationSyntax { Body: not null } a => (a.Keyword.Text + " accessor", a),
            _ => ("", null),
        };
        if (body is null)
        {
            continue;
        }
        var span = tree.GetLineSpan(body.Span);
        var lines = span.EndLinePosition.Line - span.StartLinePosition.Line + 1;
        lengths.Add(($"{Path.GetRelativePath(root, file)}:{span.StartLinePosition.Line + 1} {name}", lines));
    }
}
var over40 = lengths.Where(l => l.Lines > 40).OrderByDescending(l => l.Lines).ToList();
var over60 = over40.Where(l => l.Lines > 60).ToList();
foreach (var (where, lines) in over40)
{
    Console.WriteLine($"{lines,4}  {where}");
}
Console.WriteLine($"{lengths.Count} methods, {over40.Count} over 40 lines, {over60.Count} over 60 lines");
var bad = (Limit("--max60") is { } m60 && over60.Count > m60) || (Limit("--max40") is { } m40 && over40.Count > m40);
return bad ? 1 : 0;
