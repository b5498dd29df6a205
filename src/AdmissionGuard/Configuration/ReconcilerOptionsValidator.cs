using Microsoft.Extensions.Options;

namespace AdmissionGuard.Configuration;

[OptionsValidator]
internal sealed partial class ReconcilerOptionsValidator : IValidateOptions<ReconcilerOptions>;
