using Microsoft.Extensions.Options;

namespace AdmissionGuard.Options;

[OptionsValidator]
internal sealed partial class ReconcilerOptionsValidator : IValidateOptions<ReconcilerOptions>;
