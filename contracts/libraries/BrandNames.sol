// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title BrandNames
/// @notice The registry's rule for brand names and symbols, over their UTF-8 bytes; luxpass.names
/// (`verdict`) is the same rule in Python, and tests/contracts/test_registry_names.py checks that
/// the two agree. A brand text:
/// - holds only allowed characters: ASCII letters and digits, space and ` & ' - . , `; the Latin
///   letters of U+00C0-U+017F that NFKC keeps as they are (not × ÷ þ Þ ĳ ŀ ŉ ſ); the Greek
///   letters of U+0386-U+03CE; the Cyrillic letters of U+0400-U+045F; CJK ideographs (U+4E00-U+9FFF).
///   Nothing invisible or space-like besides U+0020, no combining mark, no other script;
/// - has no leading, trailing or double space;
/// - mixes the letters of at most one of Latin, Greek and Cyrillic;
/// - has a skeleton, the text as it reads: ASCII case folded; accents taken off; i, l and 1 as l,
///   0 as o, 5 as s; æ, œ, ß as ae, oe, ss; Greek and Cyrillic letters that pass for a Latin
///   letter (after the subset of Unicode TR39's confusables that luxpass.names lists) as that
///   letter, other ones as their small letter; spaces, ` ' - . , ` and 一 left out. The registry
///   keeps the skeleton of every admitted brand's name and symbol and refuses a new one with the same.
library BrandNames {
    /// @notice What is wrong with a text: nothing, a space (leading, trailing or double), a
    /// character (not allowed, not UTF-8, or none left to compare) or letters of two scripts.
    enum Fault {
        None,
        Spacing,
        Character,
        MixedScripts
    }

    uint256 private constant _NOT_ALLOWED = 0;
    uint256 private constant _IGNORED = 0x10000;
    uint256 private constant _NO_OFFSET = type(uint256).max;
    uint256 private constant _LATIN_SCRIPT = 1;
    uint256 private constant _GREEK_SCRIPT = 2;
    uint256 private constant _CYRILLIC_SCRIPT = 3;

    // Two bytes per code point: 0 (not allowed), 1 to 3 (ae, oe, ss) or the code point it reads as.
    // Written by tools/brand_names_tables.py from luxpass.names.
    bytes private constant _LATIN = hex"006100610061006100610061000100630065006500650065006c006c006c006c0064006e006f006f006f006f006f0000006f0075007500750075007900000003006100610061006100610061000100630065006500650065006c006c006c006c0064006e006f006f006f006f006f0000006f00750075007500750079000000790061006100610061006100610063006300630063006300630063006300640064006400640065006500650065006500650065006500650065006700670067006700670067006700670068006800680068006c006c006c006c006c006c006c006c006c006c00000000006a006a006b006b006b006c006c006c006c006c006c00000000006c006c006e006e006e006e006e006e0000006e006e006f006f006f006f006f006f000200020072007200720072007200720073007300730073007300730073007300740074007400740000000000750075007500750075007500750075007500750075007500770077007900790079007a007a007a007a007a007a0000";
    bytes private constant _GREEK = hex"0061000000650068006c0000006f0000007903c9006c0061006203b303b40065007a006803b8006c006b03bb006d006e03be006f03c00070000003c30074007903c6007803c803c9006c00790061006503b7006c00750061006203b303b4006503b603b703b8006c006b03bb03bc007603be006f03c0007003c303c30074007503c6007803c803c9006c0075006f007503c9";
    bytes private constant _CYRILLIC = hex"00650065045203b304540073006c006c006a0459045a045b006b04380079045f00610036006203b3043400650436003304380438006b043b006d0068006f03c0007000630074007903c600780446044704480449044a044b0062044d044e044f0061003600620433043400650436043704380438006b043b006d0068006f03c0007000630074007903c600780446044704480449044a044b0062044d044e044f006500650452043304540073006c006c006a0459045a045b006b04380079045f";

    struct Tables {
        bytes latin;
        bytes greek;
        bytes cyrillic;
    }

    /// @notice The skeleton of `text` and the first fault in it.
    /// @return key The keccak256 of the skeleton; zero for a Spacing or Character fault.
    /// @return fault The first fault, by position (a MixedScripts fault comes with its key).
    /// @return offset The byte offset of the faulty character: for MixedScripts, the first letter
    /// of the second script.
    function skeleton(string memory text) internal pure returns (bytes32 key, Fault fault, uint256 offset) {
        bytes memory raw = bytes(text);
        uint256 length = raw.length;
        Tables memory tables = Tables(_LATIN, _GREEK, _CYRILLIC);
        bytes memory out = new bytes(length); // no character folds to more bytes than it has
        uint256 n = 0;
        uint256 firstScript = 0;
        uint256 mixedAt = _NO_OFFSET;
        uint256 i = 0;
        while (i < length) {
            (uint256 codePoint, uint256 size) = _decode(raw, i);
            if (size == 0) return (0, Fault.Character, i);
            if (codePoint == 0x20 && (i == 0 || i + 1 == length || raw[i + 1] == 0x20)) return (0, Fault.Spacing, i);
            (uint256 prototype, uint256 script) = _fold(tables, codePoint);
            if (prototype == _NOT_ALLOWED) return (0, Fault.Character, i);
            if (script != 0) {
                if (firstScript == 0) firstScript = script;
                else if (script != firstScript && mixedAt == _NO_OFFSET) mixedAt = i;
            }
            n = _append(out, n, prototype);
            i += size;
        }
        if (n == 0) return (0, Fault.Character, 0);
        assembly ("memory-safe") {
            mstore(out, n)
        }
        key = keccak256(out);
        if (mixedAt != _NO_OFFSET) return (key, Fault.MixedScripts, mixedAt);
    }

    /// @dev The code point at `i` and its size; size 0 for bytes that are no UTF-8, and for the
    /// overlong and four-byte forms (no allowed character needs one).
    function _decode(bytes memory raw, uint256 i) private pure returns (uint256 codePoint, uint256 size) {
        uint256 lead = uint8(raw[i]);
        if (lead < 0x80) return (lead, 1);
        uint256 length = raw.length;
        if (lead >= 0xC2 && lead <= 0xDF && i + 1 < length && _continues(raw[i + 1])) {
            return ((lead & 0x1F) << 6 | (uint8(raw[i + 1]) & 0x3F), 2);
        }
        if (lead >= 0xE0 && lead <= 0xEF && i + 2 < length && _continues(raw[i + 1]) && _continues(raw[i + 2])) {
            codePoint = (lead & 0x0F) << 12 | uint256(uint8(raw[i + 1]) & 0x3F) << 6 | (uint8(raw[i + 2]) & 0x3F);
            if (codePoint >= 0x800) return (codePoint, 3);
        }
        return (0, 0);
    }

    function _continues(bytes1 b) private pure returns (bool) {
        return uint8(b) & 0xC0 == 0x80;
    }

    /// @dev What one code point reads as (_NOT_ALLOWED, _IGNORED, a pair or a code point) and its script.
    function _fold(Tables memory tables, uint256 c) private pure returns (uint256 prototype, uint256 script) {
        if (c < 0x80) {
            if (c >= 0x41 && c <= 0x5A) c += 32;
            if (c >= 0x61 && c <= 0x7A) return (c == 0x69 ? 0x6C : c, _LATIN_SCRIPT); // i reads as l
            if (c == 0x30) return (0x6F, 0); // 0 as o
            if (c == 0x31) return (0x6C, 0); // 1 as l
            if (c == 0x35) return (0x73, 0); // 5 as s
            if ((c >= 0x30 && c <= 0x39) || c == 0x26) return (c, 0); // other digits, &
            if (c == 0x20 || c == 0x27 || c == 0x2C || c == 0x2D || c == 0x2E) return (_IGNORED, 0); // space ' , - .
            return (_NOT_ALLOWED, 0);
        }
        if (c >= 0xC0 && c <= 0x17F) return (_entry(tables.latin, c - 0xC0), _LATIN_SCRIPT);
        if (c >= 0x386 && c <= 0x3CE) return (_entry(tables.greek, c - 0x386), _GREEK_SCRIPT);
        if (c >= 0x400 && c <= 0x45F) return (_entry(tables.cyrillic, c - 0x400), _CYRILLIC_SCRIPT);
        if (c == 0x4E00) return (_IGNORED, 0); // 一 reads as a dash
        if (c > 0x4E00 && c <= 0x9FFF) return (c, 0);
        return (_NOT_ALLOWED, 0);
    }

    function _entry(bytes memory table, uint256 index) private pure returns (uint256) {
        return uint256(uint8(table[2 * index])) << 8 | uint8(table[2 * index + 1]);
    }

    /// @dev Writes what `prototype` reads as at `out[n]` (UTF-8) and returns the new length.
    function _append(bytes memory out, uint256 n, uint256 prototype) private pure returns (uint256) {
        if (prototype == _IGNORED) return n;
        if (prototype < 0x20) {
            bytes2 pair = prototype == 1 ? bytes2("ae") : prototype == 2 ? bytes2("oe") : bytes2("ss");
            out[n] = pair[0];
            out[n + 1] = pair[1];
            return n + 2;
        }
        if (prototype < 0x80) {
            out[n] = bytes1(uint8(prototype));
            return n + 1;
        }
        if (prototype < 0x800) {
            out[n] = bytes1(uint8(0xC0 | (prototype >> 6)));
            out[n + 1] = bytes1(uint8(0x80 | (prototype & 0x3F)));
            return n + 2;
        }
        out[n] = bytes1(uint8(0xE0 | (prototype >> 12)));
        out[n + 1] = bytes1(uint8(0x80 | ((prototype >> 6) & 0x3F)));
        out[n + 2] = bytes1(uint8(0x80 | (prototype & 0x3F)));
        return n + 3;
    }
}
