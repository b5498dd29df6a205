using AdmissionGuard.Configuration;
using AdmissionGuard.Webhook;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Tests.Webhook;

/// <summary>The small-request cap of <see cref="AdmissionRequestLimit"/>; the large-request queue runs on real Kestrel in <see cref="WebhookLimitsTests"/>.</summary>
public sealed class AdmissionRequestLimitTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static DefaultHttpContext SmallRequest()
    {
        var context = new DefaultHttpContext();
        context.Request.ContentLength = 2_000;
        context.Response.Body = new MemoryStream();
        return context;
    }

    [Fact]
    public async Task Small_requests_beyond_the_cap_are_answered_429_at_once_and_pass_again_when_one_ends()
    {
        using var limit = new AdmissionRequestLimit(Options.Create(new WebhookOptions { MaxConcurrentRequests = 1, RequestQueueLimit = 0 }));
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = 0;
        Func<HttpContext, Task> held = async _ =>
        {
            Interlocked.Increment(ref running);
            await release.Task;
        };

        // Small requests are not held to Webhook:MaxConcurrentRequests (1 here), only to the cap.
        var inFlight = Enumerable.Range(0, AdmissionRequestLimit.MaxSmallRequests).Select(_ => limit.RunAsync(SmallRequest(), held)).ToList();
        running.Should().Be(AdmissionRequestLimit.MaxSmallRequests);

        var beyond = SmallRequest();
        var passedBeyond = false;
        await limit.RunAsync(beyond, _ => { passedBeyond = true; return Task.CompletedTask; }).WaitAsync(Patience, TestContext.Current.CancellationToken);
        passedBeyond.Should().BeFalse();
        beyond.Response.StatusCode.Should().Be(StatusCodes.Status429TooManyRequests);

        release.SetResult();
        await Task.WhenAll(inFlight).WaitAsync(Patience, TestContext.Current.CancellationToken);
        var after = SmallRequest();
        var passedAfter = false;
        await limit.RunAsync(after, _ => { passedAfter = true; return Task.CompletedTask; }).WaitAsync(Patience, TestContext.Current.CancellationToken);
        passedAfter.Should().BeTrue();
        after.Response.StatusCode.Should().Be(StatusCodes.Status200OK);
    }
}
