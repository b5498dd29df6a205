using System.Net;
using System.Text;

namespace AdmissionGuard.Tests.Reconciler;

/// <summary>Answers every request with one status and body, and keeps what was sent.</summary>
internal sealed class StubApiHandler(HttpStatusCode status, string body = "{}") : DelegatingHandler
{
    public List<(HttpMethod Method, string Path, string? ContentType, string Body)> Requests { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var content = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add((request.Method, request.RequestUri!.AbsolutePath, request.Content?.Headers.ContentType?.MediaType, content));
        return new HttpResponseMessage(status) { RequestMessage = request, Content = new StringContent(body, Encoding.UTF8, "application/json") };
    }
}
