using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using AdmissionGuard.Configuration;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Webhook;

/// <summary>
/// Serves a PEM certificate and key from files and reloads them when they change. cert-manager (through the
/// kubelet's Secret volume) swaps a <c>..data</c> symlink in the directory rather than writing the files, so
/// the whole directory is watched; a periodic re-check covers events the watcher misses (symlinked files
/// elsewhere, overflowing buffers, network file systems).
/// </summary>
internal sealed class PemFileCertificateSource(IOptions<WebhookOptions> options, TimeProvider timeProvider, ILogger<PemFileCertificateSource> logger)
    : BackgroundService, ICertificateSource, IHostedLifecycleService
{
    /// <summary>How often the files are re-read even without a change event.</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromMinutes(1);

    // Read on first use, not on construction: Kestrel's options ask for this source while the host is built, before
    // the settings are validated, and an invalid Webhook section must be reported with every other section's.
    private readonly Lazy<(string Cert, string Key)> _files = new(() => (Path.GetFullPath(options.Value.CertFile), Path.GetFullPath(options.Value.KeyFile)));
    // Capacity one: a burst of file events coalesces into one reload; writing never throws, even after stop.
    private readonly Channel<bool> _changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Lock _reloadLock = new();
    private X509Certificate2? _current;
    private FileSystemWatcher? _watcher;

    public X509Certificate2? GetCertificate() => Volatile.Read(ref _current);

    public bool Healthy => GetCertificate() is not null;

    public string Description => $"PEM files {_files.Value.Cert} and {_files.Value.Key}";

    /// <summary>Reads both files and swaps the served certificate when it differs. Failures keep the old one.</summary>
    /// <returns>True when a new certificate is now served.</returns>
    public bool Reload()
    {
        lock (_reloadLock)
        {
            return ReloadLocked();
        }
    }

    /// <summary>
    /// Writes a certificate and its key to the two files and serves them (self-managed certificates). Each file is
    /// replaced by a rename, and the reload lock is held throughout, so neither the watcher's reload nor a reader
    /// outside the process sees a new key with the old certificate.
    /// </summary>
    /// <returns>True when the written certificate is now served.</returns>
    /// <exception cref="IOException">A file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is not writable.</exception>
    public bool Publish(string certificatePem, string keyPem)
    {
        lock (_reloadLock)
        {
            Replace(_files.Value.Key, keyPem);
            Replace(_files.Value.Cert, certificatePem);
            return ReloadLocked();
        }
    }

    private bool ReloadLocked()
    {
        X509Certificate2 loaded;
        try
        {
            loaded = X509Certificate2.CreateFromPem(File.ReadAllText(_files.Value.Cert), File.ReadAllText(_files.Value.Key));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException && GetCertificate() is null)
        {
            // Self-managed certificates are written after start-up (the file mode validates that the files exist).
            WebhookLog.CertificateAwaited(logger, _files.Value.Cert);
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            // Mid-rotation the certificate and key may briefly not match: the next event or re-check retries.
            WebhookLog.CertificateLoadFailed(logger, _files.Value.Cert, _files.Value.Key, e.Message);
            return false;
        }

        var previous = GetCertificate();
        if (previous is not null && previous.RawDataMemory.Span.SequenceEqual(loaded.RawDataMemory.Span))
        {
            loaded.Dispose();
            return false;
        }

        // The previous certificate is not disposed: a handshake in progress may still be using it.
        Volatile.Write(ref _current, loaded);
        WebhookLog.CertificateLoaded(logger, loaded.Subject, loaded.Thumbprint, loaded.NotAfter.ToUniversalTime(), _files.Value.Cert);
        return true;
    }

    private static void Replace(string path, string content)
    {
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(temporary, System.Text.Encoding.ASCII, options))
        {
            writer.Write(content);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// Runs before any hosted service starts, Kestrel included, so the first handshake has a certificate. The
    /// watcher starts here too, not in the background loop, so no change after start-up can go unseen.
    /// </summary>
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        Reload();
        _watcher ??= Watch(Path.GetDirectoryName(_files.Value.Cert)!);
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            using var due = new CancellationTokenSource(RecheckInterval, timeProvider);
            using var recheck = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, due.Token);
            try
            {
                await _changed.Reader.ReadAsync(recheck.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The periodic re-check is due.
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Reload();
        }
    }

    private FileSystemWatcher? Watch(string directory)
    {
        try
        {
            var watcher = new FileSystemWatcher(directory) { IncludeSubdirectories = false };
            watcher.Changed += (_, _) => _changed.Writer.TryWrite(true);
            watcher.Created += (_, _) => _changed.Writer.TryWrite(true);
            watcher.Renamed += (_, _) => _changed.Writer.TryWrite(true);
            watcher.Deleted += (_, _) => _changed.Writer.TryWrite(true);
            watcher.Error += (_, e) => WebhookLog.CertificateWatchFailed(logger, e.GetException(), directory);
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException)
        {
            WebhookLog.CertificateWatchFailed(logger, e, directory);
            return null;
        }
    }

    public override void Dispose()
    {
        _watcher?.Dispose();
        base.Dispose();
    }
}
