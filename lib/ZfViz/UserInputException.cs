namespace ZfViz;

/// <summary>
/// The user's input is wrong: a file, an option, an environment variable or a value they gave. The CLI prints
/// <c>zfviz: error: &lt;Subject&gt;: &lt;message&gt;</c> and exits 2; any other exception is a bug (exit 70).
/// Library validators throw this and nothing else for bad input, so a real bug never looks like the user's fault.
/// </summary>
public class UserInputException : Exception
{
    /// <summary>What was wrong: a file path, an option (<c>--lr</c>) or a variable (<c>$ZFVIZ_THREADS</c>); may be null.</summary>
    public string? Subject { get; }

    public UserInputException(string message, string? subject = null, Exception? inner = null) : base(message, inner) =>
        Subject = subject;

    /// <summary>The one line the CLI prints after "zfviz: error: ".</summary>
    public string Describe() => Subject is null || Message.Contains(Subject, StringComparison.Ordinal) ? Message : $"{Subject}: {Message}";
}
