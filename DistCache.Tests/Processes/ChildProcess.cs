using System.Collections.Concurrent;
using System.Diagnostics;

namespace DistCache.Tests.Processes;

/// <summary>A program started by a test, its output kept for diagnosis, killed with the test.</summary>
public sealed class ChildProcess : IDisposable
{
    private static readonly ConcurrentDictionary<ChildProcess, bool> Running = new();

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ChildProcess(string name, string fileName, IEnumerable<string> arguments, string readyLine, string? workingDirectory = null)
    {
        Name = name;
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        void Collect(object? sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            _lines.Enqueue(e.Data);
            while (_lines.Count > 5_000 && _lines.TryDequeue(out _))
            {
            }

            if (e.Data.Contains(readyLine, StringComparison.Ordinal))
            {
                _ready.TrySetResult();
            }
        }

        _process.OutputDataReceived += Collect;
        _process.ErrorDataReceived += Collect;
        _process.Exited += (_, _) => _ready.TrySetException(new InvalidOperationException($"{Name} exited before it was ready:\n{Output}"));
        _process.Start();
        Running.TryAdd(this, true);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    static ChildProcess()
    {
        // A test host or benchmark that crashes must not leave silos running: they would load the
        // machine under every later run (it happened: two orphans skewed a morning of benchmarks).
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        AppDomain.CurrentDomain.UnhandledException += (_, _) => KillAll();
    }

    public string Name { get; }

    public string Output => string.Join('\n', _lines);

    public bool HasExited => _process.HasExited;

    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        try
        {
            await _ready.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name} was not ready after {timeout.TotalSeconds:0} s:\n{Output}");
        }
    }

    /// <summary>SIGTERM, as systemd or Ctrl+C would stop it, and waits for it to exit.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
    }

    /// <summary>kill -9: no shutdown hooks run.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        Running.TryRemove(this, out _);
        _process.Dispose();
    }

    private static void KillAll()
    {
        foreach (var child in Running.Keys)
        {
            try
            {
                child.Kill();
            }
            catch (Exception)
            {
                // Exiting anyway: kill what can be killed.
            }
        }
    }
}
