using TracSeq.Labels;

namespace TracSeq.UnitTests.Labels;

/// <summary>
/// Right-to-left names on labels: drawn left to right as given, so they must arrive in visual order and, for Arabic,
/// joined. Expected strings are written out in visual order (as they appear on paper, left to right).
/// </summary>
public sealed class VisualOrderTests
{
    [Fact]
    public void Left_to_right_text_is_returned_as_it_is() =>
        VisualOrder.Of("Liver biopsy 12 (left)").ShouldBe("Liver biopsy 12 (left)");

    [Fact]
    public void A_hebrew_line_reads_from_the_right_and_its_number_stays_whole() =>
        // שלום 12: the number at the line's left end, still "12"; the word reversed so ש is rightmost.
        VisualOrder.Of("שלום 12").ShouldBe("12 םולש");

    [Fact]
    public void A_hebrew_word_inside_english_is_reversed_in_place() =>
        VisualOrder.Of("Biopsy שלום A1").ShouldBe("Biopsy םולש A1");

    [Fact]
    public void Brackets_inside_right_to_left_text_are_mirrored() =>
        VisualOrder.Of("דם (טרי)").ShouldBe("(ירט) םד");

    [Fact]
    public void Arabic_letters_take_their_joined_forms_and_lam_alef_is_one_ligature()
    {
        // سلام (peace): seen initial; lam joins it, so lam-alef takes its final form; meem isolated (an alef joins nothing
        // after it). In visual order: meem, lam-alef, seen.
        VisualOrder.Of("سلام").ShouldBe("\uFEE1\uFEFC\uFEB3");
    }

    [Fact]
    public void A_dual_joining_letter_between_two_joiners_is_medial()
    {
        // بيت (house): beh initial, yeh medial, teh final; visual order reversed.
        VisualOrder.Of("بيت").ShouldBe("\uFE96\uFEF4\uFE91");
    }

    [Fact]
    public void Arabic_indic_digits_keep_their_order_inside_arabic()
    {
        // رقم ١٢: the digits stay "١٢" left to right, at the line's left end.
        VisualOrder.Of("رقم ١٢").ShouldBe("١٢ \uFEE2\uFED7\uFEAD");
    }

    [Fact]
    public void A_shortened_right_to_left_name_keeps_its_beginning_and_the_ellipsis_goes_to_its_left_end()
    {
        var fitted = LabelText.Fit("שלום עולם", 5, text => text.Length);
        fitted.ShouldBe("…םולש");
    }
}
