Console.Error.WriteLine("admissionguard: the webhook is not built yet (issue 3).");
return 1;
