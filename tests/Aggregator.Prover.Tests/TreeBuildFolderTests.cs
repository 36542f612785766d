using Aggregator.Core.Errors;

namespace Aggregator.Prover.Tests;

/// <summary>A tree job's build names a folder: only 32 lower-case hex digits do, so no job can reach outside the epochs directory.</summary>
public class TreeBuildFolderTests
{
    [Theory]
    [InlineData("../../etc")]
    [InlineData("0123456789abcdef0123456789abcdef/..")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("0123456789abcdef0123456789abcde")]
    [InlineData("")]
    public void A_build_that_is_not_32_hex_digits_is_refused(string build)
    {
        var error = Assert.Throws<InputException>(() => TreeWorkerRole.BuildFolder("/var/lib/aggregator/epochs", 7, build));
        Assert.Equal("build", error.Field);
    }

    [Fact]
    public void A_build_is_a_folder_of_its_epoch_in_the_epochs_directory()
    {
        Assert.Equal("/e/.tree-7-0123456789abcdef0123456789abcdef", TreeWorkerRole.BuildFolder("/e", 7, "0123456789abcdef0123456789abcdef"));
        Assert.StartsWith(TreeWorkerRole.BuildPrefix(7), ".tree-7-0123456789abcdef0123456789abcdef", StringComparison.Ordinal);
    }
}
