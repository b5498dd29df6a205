using AdmissionGuard.Core.Scheduling;

namespace AdmissionGuard.Core.Healing;

public sealed record TaintedNode(string Name, Taint Taint, bool? AgentReady);
