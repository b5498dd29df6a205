namespace AdmissionGuard.Playground.Commands;

/// <summary>One <c>--fault-error</c>: fail <paramref name="Rate"/> of the requests with <paramref name="Verb"/>.</summary>
internal sealed record ErrorRule(string Verb, double Rate, int? StatusCode);
