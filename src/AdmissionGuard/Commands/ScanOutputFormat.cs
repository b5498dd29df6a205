namespace AdmissionGuard.Commands;

/// <summary><c>scan -o</c>: <c>table</c> (default) or <c>json</c>.</summary>
public enum ScanOutputFormat
{
    Table,
    Json,
}
