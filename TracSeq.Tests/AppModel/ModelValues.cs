namespace TracSeq.Tests.AppModel;

/// <summary>
/// What a resource of a built (never started) model would be given: its environment and arguments as the values the
/// AppHost set (parameters, endpoint references, expressions), or as their manifest expressions, e.g.
/// <c>{grafana-admin-password.value}</c>, which say where a value comes from without resolving it.
/// </summary>
public static class ModelValues
{
    public static async Task<Dictionary<string, object>> RawEnvironmentAsync(IResource resource)
    {
        var environment = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(
            new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish), resource, environment);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }
        return environment;
    }

    public static async Task<Dictionary<string, string>> EnvironmentAsync(IResource resource) =>
        (await RawEnvironmentAsync(resource)).ToDictionary(e => e.Key, e => Expression(e.Value));

    public static async Task<List<string>> ArgumentsAsync(IResource resource)
    {
        var args = new List<object>();
        var context = new CommandLineArgsCallbackContext(args, resource, CancellationToken.None);
        foreach (var callback in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(context);
        }
        return args.Select(Expression).ToList();
    }

    private static string Expression(object value) => value switch
    {
        string text => text,
        IManifestExpressionProvider provider => provider.ValueExpression,
        _ => value.ToString() ?? "",
    };
}
