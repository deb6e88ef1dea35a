using TracSeq.ServiceDefaults.Paging;
using TracSeq.ServiceDefaults.Problems;

namespace TracSeq.UnitTests.Security;

public class PagingTests
{
    [Theory]
    [InlineData(4_294_969, 500)]     // (page - 1) × pageSize overflows a 32-bit offset: was a 500
    [InlineData(int.MaxValue, 1)]
    [InlineData(PageRequest.MaxPage + 1, 50)]
    public void A_page_whose_offset_cannot_be_served_is_a_field_error(int page, int pageSize)
    {
        var errors = new ValidationErrors();
        PageRequest.From(page, pageSize, errors);
        errors.ToDictionary().Keys.ShouldBe(["page"]);
    }

    [Fact]
    public void The_last_allowed_page_has_a_positive_offset()
    {
        var errors = new ValidationErrors();
        var paging = PageRequest.From(PageRequest.MaxPage, PageRequest.MaxPageSize, errors);
        errors.IsValid.ShouldBeTrue();
        paging.Offset.ShouldBeGreaterThan(0);
    }
}
