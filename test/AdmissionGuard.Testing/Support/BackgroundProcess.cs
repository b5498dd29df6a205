using System.Diagnostics;
using System.Text;

namespace AdmissionGuard.Tests.Support;

/// <summary>A process started by <see cref="ProcessRunner.Start"/>: its output so far, and a kill on dispose.</summary>
internal sealed class BackgroundProcess : IAsyncDisposable
{
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _outputLock = new();

    private BackgroundProcess(Process process) => _process = process;

    public bool HasExited => _process.HasExited;

    /// <summary>The operating system's process id (e.g. to read <c>/proc/&lt;id&gt;/stat</c>).</summary>
    public int Id => _process.Id;

    /// <summary>Standard output and error as collected so far, interleaved in arrival order, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_outputLock)
            {
                var state = _process.HasExited ? $"exited with code {_process.ExitCode}" : "running";
                return $"{_process.StartInfo.FileName} ({state}):\n{_output}";
            }
        }
    }

    internal static BackgroundProcess Start(ProcessStartInfo startInfo)
    {
        var process = new Process { StartInfo = startInfo };
        var started = new BackgroundProcess(process);
        process.OutputDataReceived += (_, line) => started.Append(line.Data);
        process.ErrorDataReceived += (_, line) => started.Append(line.Data);
        if (!process.Start())
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start {startInfo.FileName}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var wait = new CancellationTokenSource(ExitWait);
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputLock)
        {
            _output.AppendLine(line);
        }
    }
}
