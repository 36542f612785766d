namespace Aggregator.Cli;

/// <summary>Where a command writes, and whether a person is watching (progress display).</summary>
public sealed record CliContext(TextWriter Output, TextWriter Error, bool Interactive);
