namespace AdmissionGuard.Benchmarks.Load;

/// <summary>
/// One request <c>make load</c> drives: a webhook path, the review posted, and what the guard's answer must contain
/// (checked before measuring, so that a misconfigured run cannot measure a cheaper path).
/// </summary>
internal sealed record LoadPath(string Name, string Path, string Review, string ExpectedInAnswer, string What);
