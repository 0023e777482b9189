using System.CommandLine;

namespace ZfViz.Cli.Commands;

/// <summary>
/// Runs the parsed command and is the one boundary between errors and exit codes: 0 success; 2 the user's input is
/// wrong (a <see cref="UserInputException"/>, or a command line System.CommandLine cannot parse); 70 (EX_SOFTWARE) a
/// bug in zfviz, shown as one line asking for a report, with the stack trace only under --verbose or ZFVIZ_VERBOSE=1.
/// </summary>
public static class CliRunner
{
    public const int BadInput = 2;
    public const int Bug = 70;
    public const string VerboseVariable = "ZFVIZ_VERBOSE";

    /// <summary>The global --verbose option (every command accepts it); one per root, as a symbol has one parent.</summary>
    static Option<bool> VerboseOption() => new("--verbose")
    {
        Description = $"On an internal error, print the stack trace (also: {VerboseVariable}=1)",
        Recursive = true,
    };

    /// <summary>The global --allow-nonfinite option: accept NaN/Inf in inputs and weights (results are then only warned about).</summary>
    static Option<bool> AllowNonFiniteOption() => new(ZfViz.IO.FiniteValues.AllowOption)
    {
        Description = "Accept NaN or infinite values in inputs and weights (default: they are an error naming the file)",
        Recursive = true,
    };

    public static int Invoke(RootCommand root, string[] args)
    {
        var verbose = Global(root, VerboseOption());
        var allowNonFinite = Global(root, AllowNonFiniteOption());
        var parsed = root.Parse(args);
        bool wasEnforced = ZfViz.IO.FiniteValues.Enforced; // restored after: tests run commands in their own process too
        try
        {
            ZfViz.IO.FiniteValues.Enforced = parsed.Errors.Count > 0 || !parsed.GetValue(allowNonFinite);
            int code = parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
            // System.CommandLine has printed the parse errors; they are the user's input, like every other.
            return parsed.Errors.Count > 0 && code != 0 ? BadInput : code;
        }
        catch (Exception e) when (UserError(e) is { } user)
        {
            Console.Error.WriteLine($"zfviz: error: {user.Describe()}");
            if (IsVerbose(parsed, verbose)) Console.Error.WriteLine(e);
            return BadInput;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"zfviz: internal error (a bug in zfviz, please report it with the command you ran): {e.GetType().FullName}: {OneLine(e.Message)}");
            if (IsVerbose(parsed, verbose)) Console.Error.WriteLine(e);
            else Console.Error.WriteLine($"zfviz: run again with --verbose (or {VerboseVariable}=1) for the stack trace.");
            return Bug;
        }
        finally
        {
            ZfViz.IO.FiniteValues.Enforced = wasEnforced;
        }
    }

    /// <summary>The user-input error behind e: itself, or the one a reflection or aggregate wrapper carries.</summary>
    static UserInputException? UserError(Exception e) => e switch
    {
        UserInputException u => u,
        // A file the user named but may not read or write: their setup, not a bug (the message names the path).
        UnauthorizedAccessException a => new UserInputException($"permission denied: {a.Message}", null, a),
        AggregateException { InnerExceptions.Count: 1 } a => UserError(a.InnerExceptions[0]),
        System.Reflection.TargetInvocationException { InnerException: { } inner } => UserError(inner),
        _ => null,
    };

    /// <summary>The root's option of that name, added if it has none yet.</summary>
    static Option<bool> Global(RootCommand root, Option<bool> option)
    {
        if (root.Options.FirstOrDefault(o => o.Name == option.Name) is Option<bool> existing) return existing;
        root.Options.Add(option);
        return option;
    }

    static bool IsVerbose(ParseResult parsed, Option<bool> verbose)
    {
        bool option;
        try { option = parsed.GetValue(verbose); }
        catch (InvalidOperationException) { option = false; }
        return option || Environment.GetEnvironmentVariable(VerboseVariable) is "1" or "true";
    }

    static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
