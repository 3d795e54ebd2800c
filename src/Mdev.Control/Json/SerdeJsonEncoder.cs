using System.Text.Encodings.Web;

namespace Mdev.Control.Json;

/// <summary>
/// Escapes strings exactly as Rust's serde_json does (mdevctl's JSON writer): only <c>"</c>, <c>\</c> and the control
/// characters below U+0020 are escaped — <c>\b \t \n \f \r</c> in their short forms, the others as <c>\u00xx</c> with
/// lower-case hex — and everything else, non-ASCII and HTML-sensitive characters included, is written as it is.
/// </summary>
internal sealed class SerdeJsonEncoder : JavaScriptEncoder
{
    public static readonly SerdeJsonEncoder Instance = new();

    private SerdeJsonEncoder()
    {
    }

    public override int MaxOutputCharactersPerInputCharacter => 6;

    public override bool WillEncode(int unicodeScalar) => unicodeScalar is < 0x20 or '"' or '\\';

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        for (int i = 0; i < textLength; i++)
        {
            if (WillEncode(text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        if (!WillEncode(unicodeScalar))
        {
            return TryWrite(buffer, bufferLength, ((char)unicodeScalar).ToString(), out numberOfCharactersWritten);
        }

        var escaped = unicodeScalar switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\b' => "\\b",
            '\t' => "\\t",
            '\n' => "\\n",
            '\f' => "\\f",
            '\r' => "\\r",
            _ => "\\u00" + unicodeScalar.ToString("x2", System.Globalization.CultureInfo.InvariantCulture),
        };
        return TryWrite(buffer, bufferLength, escaped, out numberOfCharactersWritten);
    }

    private static unsafe bool TryWrite(char* buffer, int bufferLength, string text, out int written)
    {
        if (text.Length > bufferLength)
        {
            written = 0;
            return false;
        }

        for (int i = 0; i < text.Length; i++)
        {
            buffer[i] = text[i];
        }

        written = text.Length;
        return true;
    }
}
