using ZXing;
using ZXing.Common;
using ZXing.Datamatrix;
using ZXing.Datamatrix.Encoder;
using ZXing.OneD;

namespace TracSeq.Labels;

/// <summary>The barcode as symbols, one module per matrix cell, without quiet zones (the layout leaves them).</summary>
public static class Symbols
{
    /// <summary>Code 128 needs ten modules of white on either side.</summary>
    public const int Code128QuietModules = 10;

    public static BitMatrix Code128(string text) =>
        new Code128Writer().encode(text, BarcodeFormat.CODE_128, 0, 1,
            new Dictionary<EncodeHintType, object> { [EncodeHintType.MARGIN] = 0 });

    public static BitMatrix DataMatrix(string text) =>
        new DataMatrixWriter().encode(text, BarcodeFormat.DATA_MATRIX, 0, 0,
            new Dictionary<EncodeHintType, object> { [EncodeHintType.DATA_MATRIX_SHAPE] = SymbolShapeHint.FORCE_SQUARE });

    /// <summary>The dark runs of a matrix row as (first column, length): a bar is drawn as one rectangle, not many.</summary>
    public static IEnumerable<(int Start, int Length)> DarkRuns(BitMatrix matrix, int row)
    {
        var x = 0;
        while (x < matrix.Width)
        {
            if (!matrix[x, row])
            {
                x++;
                continue;
            }
            var start = x;
            while (x < matrix.Width && matrix[x, row])
            {
                x++;
            }
            yield return (start, x - start);
        }
    }
}
