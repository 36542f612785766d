using Aggregator.Margin.Live;

namespace Aggregator.Margin.Tests.Live;

public class HugePageTableTests
{
    [Fact]
    public void Growing_keeps_every_value_and_zeroes_the_new_rows()
    {
        var table = new HugePageTable<UInt128>(3);
        for (var i = 0; i < 3; i++)
        {
            table[i] = UInt128.MaxValue - (ulong)i;
        }
        table.Resize(1 << 20); // past one 2 MiB page
        Assert.Equal(1 << 20, table.Length);
        Assert.Equal(UInt128.MaxValue - 2, table[2]);
        Assert.Equal(UInt128.Zero, table[3]);
        Assert.Equal(UInt128.Zero, table[(1 << 20) - 1]);
        table[(1 << 20) - 1] = 5;
        table.Resize(2);
        Assert.Equal(UInt128.MaxValue - 1, table[1]);
    }

    [Fact]
    public void A_row_outside_the_table_is_refused()
    {
        var table = new HugePageTable<int>(4);
        Assert.Throws<ArgumentOutOfRangeException>(() => table[4]);
        Assert.Throws<ArgumentOutOfRangeException>(() => table[-1]);
    }
}
