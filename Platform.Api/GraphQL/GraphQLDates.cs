using GraphQL;

namespace Platform.Api.GraphQL;

/// <summary>The <c>Date</c> scalar (yyyy-MM-dd) is <see cref="DateTime"/> in GraphQL.NET; the platform's days are <see cref="DateOnly"/>.</summary>
public static class GraphQLDates
{
    public static DateOnly? DateArgument(this IResolveFieldContext context, string name) =>
        context.GetArgument<DateTime?>(name) is { } day ? DateOnly.FromDateTime(day) : null;

    public static DateTime? AsDate(this DateOnly? day) => day?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);

    public static DateTime AsDate(this DateOnly day) => day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
}
