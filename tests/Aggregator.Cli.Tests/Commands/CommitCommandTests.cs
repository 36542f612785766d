using System.Text.Json;
using Aggregator.Testing;

namespace Aggregator.Cli.Tests.Commands;

public sealed class CommitCommandTests : IDisposable
{
    // circuits/test-vectors/commitment.json's first vector (the circomlibjs reference): the same ledger,
    // assets, depth, secret, epoch and publisher.
    private const string SampleRoot = "14048560816214441215464653774931258960354203520098582675759961682806908701398";
    private const string SampleCommitment = "6235506612780523249138554859910606513084686227046360692747106182815012989900";
    private readonly string _workspace = Directory.CreateTempSubdirectory("aggregator-cli-").FullName;

    public void Dispose() => Directory.Delete(_workspace, recursive: true);

    private static (int Exit, string Output, string Error) Run(params string[] args) => CliRunner.Run(args);

    private string Ledger(string csv)
    {
        var path = Path.Combine(_workspace, $"ledger-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, csv);
        return path;
    }

    private static string SampleLedger => RepositoryPaths.Combine("samples", "ledger.csv");

    [Fact]
    public void Sample_ledger_commits_to_the_reference_root_and_prints_the_published_commitment()
    {
        var output = Path.Combine(_workspace, "epoch");
        var (exit, stdout, stderr) = Run("commit", "--publisher", "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", "--ledger", SampleLedger, "--assets", "BTC:8,ETH:8,SOL:6,USDC:6", "--depth", "20", "--secret", "00112233445566778899aabbccddeeff", "--epoch", "1767225600", "--out", output);

        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(SampleCommitment, lines[0]);
        Assert.Contains($"root {SampleRoot}", lines[1]);
        Assert.Contains("committed 6 accounts x 4 assets", lines[1]);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "manifest.json")));
        Assert.Equal(SampleRoot, manifest.RootElement.GetProperty("rootHash").GetString());
        Assert.Equal(SampleCommitment, manifest.RootElement.GetProperty("commitment").GetString());
        Assert.Equal(6, File.ReadAllLines(Path.Combine(output, "private", "accounts.jsonl")).Length);
        Assert.True(File.Exists(Path.Combine(output, "private", "tree.bin")));
    }

    [Fact]
    public void Same_inputs_give_the_same_root_twice()
    {
        string[] common = ["commit", "--ledger", SampleLedger, "--assets", "BTC:8,ETH:8,SOL:6,USDC:6", "--depth", "8", "--secret", "0xfeedfeedfeedfeedfeedfeedfeedfeed", "--epoch", "5", "--publisher", "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"];
        var first = Run([.. common, "--out", Path.Combine(_workspace, "a")]);
        var second = Run([.. common, "--out", Path.Combine(_workspace, "b")]);
        Assert.Equal(0, first.Exit);
        Assert.Equal(first.Output.Split('\n')[0], second.Output.Split('\n')[0]);
    }

    [Fact]
    public void Without_a_secret_a_fresh_one_is_generated_and_kept_private()
    {
        var a = Path.Combine(_workspace, "a");
        var b = Path.Combine(_workspace, "b");
        var first = Run("commit", "--publisher", "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", "--ledger", SampleLedger, "--assets", "BTC:8,ETH:8,SOL:6,USDC:6", "--depth", "6", "--out", a);
        var second = Run("commit", "--publisher", "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", "--ledger", SampleLedger, "--assets", "BTC:8,ETH:8,SOL:6,USDC:6", "--depth", "6", "--out", b);
        Assert.Equal(0, first.Exit);
        Assert.NotEqual(first.Output.Split('\n')[0], second.Output.Split('\n')[0]);
        var secret = File.ReadAllText(Path.Combine(a, "private", "secret.hex")).Trim();
        Assert.Equal(62, secret.Length);
        Assert.DoesNotContain(secret, first.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("account,BTC,ETH\nalice,1,-2\n", "ledger.csv:2, column 3 (ETH): '-2' is negative")]
    [InlineData("account,BTC,ETH\nalice,1,2\nbob,x,2\n", ":3, column 2 (BTC): 'x' is not a decimal number")]
    [InlineData("account,BTC,ETH\nalice,1,2\nalice,1,2\n", ":3, column 1 (account): account 'alice' already appears on line 2")]
    [InlineData("account,BTC\nalice,1\n", ":1: no column for asset(s) ETH")]
    [InlineData("account,BTC,ETH,DOGE\nalice,1,2,3\n", ":1, column 4: column 'DOGE' is not one of the assets")]
    public void A_bad_ledger_fails_with_exit_2_naming_file_line_and_column_and_writes_nothing(string csv, string expected)
    {
        var ledger = Ledger(csv);
        var output = Path.Combine(_workspace, "epoch");
        var (exit, stdout, stderr) = Run("commit", "--publisher", "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", "--ledger", ledger, "--assets", "BTC:8,ETH:8", "--out", output);

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith("error: ", stderr);
        Assert.Contains(expected.Replace("ledger.csv", Path.GetFileName(ledger)), stderr);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(output));
        Assert.Single(Directory.GetFileSystemEntries(_workspace));
    }

    [Theory]
    [InlineData("--assets", "BTC", "'BTC' is not SYMBOL:PROOF_DECIMALS")]
    [InlineData("--assets", "BTC:8,BTC:6", "asset BTC is named twice")]
    [InlineData("--assets", "A:1,B:1,C:1,D:1,E:1,F:1,G:1,H:1", "at most 7")]
    [InlineData("--assets", "BTC:19", "0..18 decimals")]
    [InlineData("--depth", "0", "the depth must be 1..32")]
    [InlineData("--secret", "not-hex", "16..31 bytes of hex")]
    [InlineData("--secret", "1234abcd", "a short secret can be searched out")]
    [InlineData("--publisher", "0x1234", "is not an EVM address")]
    [InlineData("--publisher", "0xF39fd6e51aad88f6f4ce6ab8827279cfffb92266", "is not an EVM address")]
    public void Bad_options_fail_with_exit_2(string option, string value, string expected)
    {
        var args = new Dictionary<string, string>
        {
            ["--ledger"] = SampleLedger, ["--assets"] = "BTC:8,ETH:8,SOL:6,USDC:6", ["--out"] = Path.Combine(_workspace, "epoch"),
            ["--publisher"] = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
        };
        args[option] = value;
        var (exit, _, stderr) = Run(["commit", .. args.SelectMany(p => new[] { p.Key, p.Value })]);
        Assert.Equal(2, exit);
        Assert.Contains(expected, stderr);
        Assert.False(Directory.Exists(Path.Combine(_workspace, "epoch")));
    }

    [Fact]
    public void Too_many_accounts_for_the_depth_fails_with_exit_2()
    {
        var (exit, _, stderr) = Run("commit", "--publisher", "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", "--ledger", SampleLedger, "--assets", "BTC:8,ETH:8,SOL:6,USDC:6", "--depth", "2", "--out", Path.Combine(_workspace, "e"));
        Assert.Equal(2, exit);
        Assert.Contains("6 accounts do not fit a tree of depth 2 (at most 4)", stderr);
    }

    [Fact]
    public void An_existing_output_directory_is_refused()
    {
        var output = Directory.CreateDirectory(Path.Combine(_workspace, "epoch")).FullName;
        var (exit, _, stderr) = Run("commit", "--publisher", "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", "--ledger", SampleLedger, "--assets", "BTC:8,ETH:8,SOL:6,USDC:6", "--out", output);
        Assert.Equal(2, exit);
        Assert.Contains("never overwritten", stderr);
        Assert.Empty(Directory.GetFileSystemEntries(output));
    }

    [Fact]
    public void A_missing_required_option_is_exit_2_with_usage_hint()
    {
        var (exit, _, stderr) = Run("commit", "--publisher", "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", "--assets", "BTC:8");
        Assert.Equal(2, exit);
        Assert.Contains("--ledger", stderr);
        Assert.Contains("aggregator commit --help", stderr);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("commit", "--help")]
    public void Help_is_available_on_every_verb(params string[] args)
    {
        var (exit, stdout, _) = Run(args);
        Assert.Equal(0, exit);
        Assert.Contains("Usage:", stdout);
        Assert.Contains(args.Length == 1 ? "commit" : "--ledger", stdout);
    }
}
