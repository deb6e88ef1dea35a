using System.Globalization;

namespace TracSeq.Benchmarks.Load;

/// <summary>
/// CPU time (user + system) of processes, read from <c>/proc/{pid}/stat</c>, to turn a load run into microseconds of
/// CPU per request for the processes that served it (clock ticks of 10 ms: over a 10 s run with thousands of requests
/// that is well under 1 % of the figure).
/// </summary>
public static class ProcessCpu
{
    private static readonly double TickSeconds = 1.0 / 100; // USER_HZ on Linux

    public static double Seconds(IEnumerable<int> pids) => pids.Sum(Seconds);

    public static double Seconds(int pid)
    {
        var path = $"/proc/{pid}/stat";
        if (!File.Exists(path))
        {
            return 0;
        }
        var stat = File.ReadAllText(path);
        // The command name is in parentheses and may contain spaces: count fields after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks * TickSeconds;
    }
}
