namespace AdmissionGuard.Hosting;

/// <summary>Endpoint metadata: the listener an endpoint answers on.</summary>
internal sealed record ServedOnMetadata(Listener Listener);
