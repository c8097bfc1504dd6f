using System.Collections.Concurrent;
using System.Reflection;

namespace Platform.Api.Hosting;

/// <summary>
/// A request body's fields its record declares non-nullable must be given: System.Text.Json leaves a missing one null,
/// which then failed deep inside a handler as a 500 (attacker review, 2026-12-02: <c>POST /api/templates</c> with
/// <c>{}</c>). As an endpoint filter, a body with such fields missing is a 400 validation problem naming each.
/// </summary>
public static class RequiredFields
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Required = new();

    public static TBuilder RequireBodyFields<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var missing = new Dictionary<string, string[]>();
            foreach (var argument in context.Arguments)
            {
                if (argument is null || argument.GetType().Namespace?.StartsWith("Platform.", StringComparison.Ordinal) != true ||
                    argument is HttpContext)
                {
                    continue;
                }
                foreach (var property in Required.GetOrAdd(argument.GetType(), NonNullable))
                {
                    if (property.GetValue(argument) is null)
                    {
                        var name = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(property.Name);
                        missing[name] = [$"请填写 {name}。", $"Give '{name}'; it is required."];
                    }
                }
            }
            return missing.Count > 0 ? Results.ValidationProblem(missing) : await next(context);
        });

    /// <summary>A record's properties that are reference types declared non-nullable (strings, objects, lists).</summary>
    private static PropertyInfo[] NonNullable(Type type)
    {
        var nullability = new NullabilityInfoContext(); // not thread-safe: one per type read, and each type is read once
        return
        [
            .. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.CanRead && !p.PropertyType.IsValueType && p.GetIndexParameters().Length == 0 &&
                            nullability.Create(p).ReadState == NullabilityState.NotNull),
        ];
    }
}
