namespace AdmissionGuard.Hosting;

/// <summary>Endpoint metadata: the listener an endpoint answers on.</summary>
public sealed record ServedOnMetadata(Listener Listener);
