using Microsoft.Extensions.Options;

namespace AdmissionGuard.Configuration;

[OptionsValidator]
internal sealed partial class LeaderElectionOptionsValidator : IValidateOptions<LeaderElectionOptions>;
