using Nethical.Guard.Training;

return await TrainingCli.Build().Parse(args).InvokeAsync();
