using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using k8s;
using Microsoft.AspNetCore.Http;

namespace AdmissionGuard.Sandbox.Http;

/// <summary>Watch streams: the initial state or a resume, live changes, bookmarks and timeouts, as chunked JSON lines.</summary>
internal sealed partial class ApiHandler
{
    private async Task WatchAsync(HttpContext context, ApiTarget target, RequestContext requestContext)
    {
        var query = context.Request.Query;
        var table = WantsTable(context.Request);
        PrepareJson(context, 200, requestContext);
        var writer = context.Response.BodyWriter;
        var faulty = faults.Hits(UserOf(context.Request));
        WatchSubscription subscription;
        try
        {
            if (faulty && faults.ForceWatchExpired)
            {
                throw new ApiException(ApiErrors.Expired($"too old resource version: {query["resourceVersion"]} (injected fault)"));
            }

            subscription = api.Watch(target.Type, target.Namespace, new WatchOptions
            {
                LabelSelector = query["labelSelector"],
                FieldSelector = query["fieldSelector"],
                ResourceVersion = query["resourceVersion"],
            });
        }
        catch (ApiException e) when (e.Code == 410)
        {
            // kube-apiserver accepts the watch, then reports the expiry as the stream's only event.
            WriteEvent(writer, "ERROR", JsonSerializer.SerializeToUtf8Bytes(ApiErrors.ToJson(e.Status), Compact));
            await writer.FlushAsync(context.RequestAborted);
            return;
        }

        using var _ = subscription;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, faulty ? faults.WatchDropToken : CancellationToken.None);
        if (int.TryParse(query["timeoutSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var timeoutSeconds) && timeoutSeconds > 0)
        {
            stop.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        }

        if (faulty && faults.DropWatchStreamsAfter is { } dropAfter)
        {
            stop.CancelAfter(dropAfter);
        }

        var bookmarks = query["allowWatchBookmarks"] == "true";
        var reason = "closed";
        try
        {
            foreach (var change in subscription.Backlog)
            {
                WriteChange(writer, change, table, query["includeObject"]);
            }

            await writer.FlushAsync(stop.Token);
            await StreamLiveAsync(writer, subscription, table, bookmarks, query["includeObject"], stop.Token);
        }
        catch (OperationCanceledException)
        {
            reason = context.RequestAborted.IsCancellationRequested ? "client went away" : "timeout or injected drop";
        }
        catch (WatchOverflowException e)
        {
            reason = e.Message;
        }

        SandboxLog.WatchEnded(logger, target.Type.Plural, reason);
    }

    private async Task StreamLiveAsync(PipeWriter writer, WatchSubscription subscription, bool table, bool bookmarks, string? includeObject, CancellationToken cancellationToken)
    {
        var reader = subscription.Live;
        Task? bookmarkDue = bookmarks ? Task.Delay(options.BookmarkInterval, api.Time, cancellationToken) : null;
        while (true)
        {
            var readable = reader.WaitToReadAsync(cancellationToken).AsTask();
            var finished = bookmarkDue is null ? readable : await Task.WhenAny(readable, bookmarkDue);
            if (finished == readable)
            {
                if (!await readable)
                {
                    await reader.Completion;
                    return;
                }

                while (reader.TryRead(out var change))
                {
                    WriteChange(writer, change, table, includeObject);
                }
            }
            else
            {
                await bookmarkDue!;
                bookmarkDue = Task.Delay(options.BookmarkInterval, api.Time, cancellationToken);
                if (subscription.BookmarkRevision() is { } revision)
                {
                    var bookmark = new JsonObject
                    {
                        ["kind"] = subscription.Type.Kind,
                        ["apiVersion"] = subscription.Type.ApiVersion,
                        ["metadata"] = new JsonObject { ["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture) },
                    };
                    WriteEvent(writer, "BOOKMARK", JsonSerializer.SerializeToUtf8Bytes(bookmark, Compact));
                }
            }

            await writer.FlushAsync(cancellationToken);
        }
    }

    private void WriteChange(PipeWriter writer, StoreWatchEvent change, bool table, string? includeObject)
    {
        var type = change.Type switch
        {
            WatchEventType.Added => "ADDED",
            WatchEventType.Modified => "MODIFIED",
            WatchEventType.Deleted => "DELETED",
            _ => change.Type.ToString().ToUpperInvariant(),
        };
        var body = table
            ? JsonSerializer.SerializeToUtf8Bytes(_tables.Build(change.Item.Type, [change.Item], change.Item.ResourceVersion.ToString(CultureInfo.InvariantCulture), null, includeObject), Compact)
            : change.Item.Json.Span;
        WriteEvent(writer, type, body);
    }

    private static void WriteEvent(PipeWriter writer, string type, ReadOnlySpan<byte> body)
    {
        writer.Write(Encoding.UTF8.GetBytes($"{{\"type\":\"{type}\",\"object\":"));
        writer.Write(body);
        writer.Write("}\n"u8);
    }
}
