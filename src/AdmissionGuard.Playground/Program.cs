using AdmissionGuard.Playground.Commands;

return await PlaygroundCommandLine.Create().Parse(args).InvokeAsync();
