namespace Aggregator.Core.Errors;

/// <summary>
/// Bad input from a user or a file: carries where it was found (file, line, field) so the message alone
/// lets a person fix it. The CLI turns it into exit code 2 and one line, never a stack trace.
/// </summary>
public class InputException : Exception
{
    /// <summary>An input error with an optional location.</summary>
    public InputException(string problem, string? file = null, long? line = null, string? field = null, Exception? inner = null)
        : base(Describe(problem, file, line, field), inner)
    {
        Problem = problem;
        File = file;
        Line = line;
        Field = field;
    }

    /// <summary>What is wrong and what was expected, without the location.</summary>
    public string Problem { get; }

    /// <summary>The file the input came from, if any.</summary>
    public string? File { get; }

    /// <summary>The 1-based line in <see cref="File"/>, if known.</summary>
    public long? Line { get; }

    /// <summary>The field, column or option that holds the bad value, if known.</summary>
    public string? Field { get; }

    private static string Describe(string problem, string? file, long? line, string? field)
    {
        var where = file ?? "";
        if (line is { } number)
        {
            where += where.Length > 0 ? $":{number}" : $"line {number}";
        }
        if (field != null)
        {
            where += where.Length > 0 ? $", {field}" : field;
        }
        return where.Length > 0 ? $"{where}: {problem}" : problem;
    }
}
