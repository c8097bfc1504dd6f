using GraphQL.Validation;
using GraphQL.Validation.Complexity;
using GraphQL.Validation.Errors.Custom;
using GraphQL.Validation.Rules.Custom;

namespace Platform.Api.GraphQL;

/// <summary>
/// Introspection (<c>__schema</c>, <c>__type</c> and everything below them) has a complexity bound of its own,
/// <see cref="GraphQLLimits.MaxIntrospectionComplexity"/>, and does not count towards <see cref="GraphQLLimits.MaxComplexity"/>:
/// the estimate multiplies every list level by five, so the query every standard client sends (graphql-js
/// <c>getIntrospectionQuery()</c>) is estimated at about 450,000 although it reads a few thousand schema elements.
/// Depth is limited for introspection as for any field.
/// </summary>
public sealed class IntrospectionComplexity(GraphQLLimits limits) : ComplexityValidationRule(new ComplexityOptions
{
    MaxComplexity = limits.MaxIntrospectionComplexity,
    MaxDepth = null,
    DefaultComplexityImpactDelegate = context =>
        IsIntrospection(context) || context.Parent is not null ? Default(context) : new FieldComplexityResult(0, 0),
})
{
    /// <summary>For the general bound: introspection costs nothing, below it nothing is counted.</summary>
    public static FieldComplexityResult WithoutIntrospection(FieldImpactContext context) =>
        IsIntrospection(context) ? new FieldComplexityResult(0, 0) : Default(context);

    private static readonly Func<FieldImpactContext, FieldComplexityResult> Default = new ComplexityOptions().DefaultComplexityImpactDelegate;

    private static bool IsIntrospection(FieldImpactContext context) => context.FieldDefinition.Name is "__schema" or "__type";

    protected override ValueTask ValidateComplexityAsync(ValidationContext context, double totalComplexity, int maxDepth)
    {
        if (totalComplexity > limits.MaxIntrospectionComplexity)
        {
            context.ReportError(new ComplexityError(
                $"Introspection is too complex to execute: estimated at {totalComplexity:0}, more than {limits.MaxIntrospectionComplexity} " +
                "(GraphQL:MaxIntrospectionComplexity)."));
        }
        return default;
    }
}
