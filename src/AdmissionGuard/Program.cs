using AdmissionGuard.Commands;

return await GuardCommandLine.Create().Parse(args).InvokeAsync();
