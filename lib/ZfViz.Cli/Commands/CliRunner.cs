using System.CommandLine;

namespace ZfViz.Cli.Commands;

/// <summary>Runs the parsed command; expected failures (bad input) become one clear line on stderr and exit code 2.</summary>
public static class CliRunner
{
    public const int BadInput = 2;

    public static int Invoke(RootCommand root, string[] args)
    {
        var parsed = root.Parse(args);
        try
        {
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (IsUserError(e))
        {
            Console.Error.WriteLine($"zfviz: error: {(e is UserInputException u ? u.Describe() : e.Message)}");
            return BadInput;
        }
    }

    static bool IsUserError(Exception e) =>
        e is UserInputException or ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException
            or InvalidOperationException or NotSupportedException;
}
