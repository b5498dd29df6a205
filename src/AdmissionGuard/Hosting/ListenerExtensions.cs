namespace AdmissionGuard.Hosting;

/// <summary>
/// Keeps each endpoint on its own port. The webhook listener is the only HTTPS one, so the scheme tells the
/// listeners apart; that also works with port 0 and with the in-memory test server, where ports are unknown.
/// </summary>
internal static class ListenerExtensions
{
    public static TBuilder ServedOn<TBuilder>(this TBuilder builder, Listener listener)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ServedOnMetadata(listener));

    /// <summary>Call after <c>UseRouting</c>: an endpoint reached on the other listener answers 404.</summary>
    public static IApplicationBuilder UseListenerSeparation(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<ServedOnMetadata>() is { } servedOn
                && (servedOn.Listener == Listener.Webhook) != context.Request.IsHttps)
            {
                context.SetEndpoint(null);
            }

            return next(context);
        });
}
