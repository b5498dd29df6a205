using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Tests.Support;

/// <summary>
/// An HTTPS admission webhook on a free loopback port with its own CA. <see cref="Respond"/> turns each
/// AdmissionReview request into the response body (return null to answer with garbage).
/// </summary>
internal sealed class TestWebhook : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SandboxCertificates _certificates;

    private TestWebhook(WebApplication app, SandboxCertificates certificates, Uri url)
    {
        _app = app;
        _certificates = certificates;
        Url = url;
    }

    public Uri Url { get; }

    public byte[] CaBundle => System.Text.Encoding.ASCII.GetBytes(_certificates.AuthorityPem);

    public ConcurrentQueue<JsonObject> Requests { get; } = new();

    public Func<JsonObject, JsonObject?> Respond { get; set; } = request => Allow(request);

    /// <summary>Delay before answering (to provoke timeouts).</summary>
    public TimeSpan Delay { get; set; }

    public static JsonObject Allow(JsonObject request, string? patch = null, params string[] warnings)
    {
        var response = new JsonObject { ["uid"] = (string?)request["uid"], ["allowed"] = true };
        if (patch is not null)
        {
            response["patchType"] = "JSONPatch";
            response["patch"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(patch));
        }

        if (warnings.Length > 0)
        {
            response["warnings"] = new JsonArray([.. warnings.Select(w => (JsonNode)w)]);
        }

        return response;
    }

    public static JsonObject Deny(JsonObject request, int code, string message) => new()
    {
        ["uid"] = (string?)request["uid"],
        ["allowed"] = false,
        ["status"] = new JsonObject { ["code"] = code, ["message"] = message },
    };

    /// <param name="dnsNames">Extra names in the serving certificate (e.g. a service's <c>name.namespace.svc</c>).</param>
    public static async Task<TestWebhook> StartAsync(params string[] dnsNames)
    {
        var certificates = SandboxCertificates.Create("test-webhook", dnsNames);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificates.Serving)));
        var app = builder.Build();
        TestWebhook? webhook = null;
        app.Run(async context => await webhook!.HandleAsync(context));
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        webhook = new TestWebhook(app, certificates, address);
        return webhook;
    }

    /// <summary>A clientConfig pointing at <paramref name="path"/> on this webhook.</summary>
    public k8s.Models.Admissionregistrationv1WebhookClientConfig ClientConfig(string path) =>
        new() { Url = new Uri(Url, path).ToString(), CaBundle = CaBundle };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificates.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var review = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        var request = review["request"]!.AsObject();
        Requests.Enqueue(request);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, context.RequestAborted);
        }

        var response = Respond(request);
        context.Response.ContentType = "application/json";
        if (response is null)
        {
            await context.Response.WriteAsync("this is not an AdmissionReview", context.RequestAborted);
            return;
        }

        var answer = new JsonObject { ["apiVersion"] = "admission.k8s.io/v1", ["kind"] = "AdmissionReview", ["response"] = response };
        await context.Response.WriteAsync(answer.ToJsonString(), context.RequestAborted);
    }
}
