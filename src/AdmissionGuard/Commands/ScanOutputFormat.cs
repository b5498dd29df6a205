namespace AdmissionGuard.Commands;

/// <summary><c>scan -o</c>: <c>table</c> (default) or <c>json</c>.</summary>
internal enum ScanOutputFormat
{
    Table,
    Json,
}
