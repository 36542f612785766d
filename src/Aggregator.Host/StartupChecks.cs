using Aggregator.Core.Files;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Aggregator.Host;

/// <summary>
/// What a process checks as its host starts, before any role consumes or publishes anything: options
/// validated on start. Every registered check runs; any problem stops the start, with every problem
/// named. The configuration file itself is validated when it is read, before a host exists; these are
/// the conditions of the machine it starts on (a directory a role must write).
/// </summary>
public static class StartupChecks
{
    /// <summary>Registers a check: the problem it finds, or null.</summary>
    public static IServiceCollection AddStartupCheck(this IServiceCollection services, Func<string?> problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        services.AddSingleton<IValidateOptions<Checked>>(new Check(problem));
        services.AddOptions<Checked>().ValidateOnStart();
        return services;
    }

    /// <summary>Null when <paramref name="directory"/> exists or can be made, and a file can be written in it; else why not.</summary>
    /// <param name="directory">The directory.</param>
    /// <param name="what">What it is, for the message (e.g. "the engine's state directory").</param>
    public static string? WritableDirectory(string directory, string what)
    {
        try
        {
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".write-check-{Guid.NewGuid():N}");
            SafeFile.OpenPrivate(probe, FileMode.CreateNew).Dispose();
            File.Delete(probe);
            return null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return $"{what} {directory} cannot be written: {error.Message}";
        }
    }

    /// <summary>The options checked on start; nothing is bound to them.</summary>
    internal sealed class Checked;

    private sealed class Check(Func<string?> problem) : IValidateOptions<Checked>
    {
        public ValidateOptionsResult Validate(string? name, Checked options) =>
            problem() is { } found ? ValidateOptionsResult.Fail(found) : ValidateOptionsResult.Success;
    }
}
