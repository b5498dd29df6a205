namespace AdmissionGuard.Tests.Certificates;

/// <summary>
/// Loses the CA Secret creation race on purpose: just before the replica's POST of a Secret reaches the API server,
/// another "replica" creates it, so the POST meets 409 AlreadyExists.
/// </summary>
internal sealed class CreateRivalSecretFirst(Func<Task> createRival) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Post && request.RequestUri?.AbsolutePath.EndsWith("/secrets", StringComparison.Ordinal) == true)
        {
            await createRival();
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
