package gameloop.basic;

import gameloop.testkit.Firefox;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.json.Json;

/**
 * What a page's colours read as, measured in the browser by the formulas of WCAG 2: the relative
 * luminance of each colour, and the ratio of the lighter to the darker, from 1:1 to 21:1.
 */
final class Contrast {

    /** Text of any size needs this much against what is behind it (WCAG 1.4.3, level AA). */
    static final double TEXT = 4.5;
    /** The edge that shows a control, such as a button's border, needs this much (WCAG 1.4.11). */
    static final double CONTROL_EDGE = 3.0;

    private static final String MEASURE = """
            const parse = (css) => {
              const m = /rgba?\\(([^)]*)\\)/.exec(css);
              if (!m) throw new Error("not an rgb colour: " + css);
              const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
              return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
            };
            const over = (top, under) => ({ r: top.r * top.a + under.r * (1 - top.a),
              g: top.g * top.a + under.g * (1 - top.a), b: top.b * top.a + under.b * (1 - top.a), a: 1 });
            const channel = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
            const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
            const ratio = (a, b) => { const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
              return (hi + 0.05) / (lo + 0.05); };
            // What is drawn behind an element: its own background and its ancestors', down to the first opaque one.
            const behind = (element) => {
              const layers = [];
              for (let e = element; e; e = e.parentElement) {
                const c = parse(getComputedStyle(e).backgroundColor);
                if (c.a > 0) layers.push(c);
                if (c.a >= 1) break;
              }
              if (!layers.length || layers[layers.length - 1].a < 1) throw new Error("nothing opaque behind " + element.outerHTML.slice(0, 80));
              return layers.reverse().reduce((under, top) => over(top, under));
            };
            const name = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + [...e.classList].map((c) => "." + c).join("");
            const shown = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility === "visible";
            const measured = [], tooFaint = [];
            for (const e of document.body.querySelectorAll("*")) {
              const text = [...e.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join("").trim();
              if (!text || !shown(e) || e.closest("button:disabled")) continue;  // a disabled button need not read (WCAG 1.4.3)
              const bg = behind(e), r = ratio(over(parse(getComputedStyle(e).color), bg), bg);
              measured.push(name(e));
              if (r < %s) tooFaint.push(name(e) + " \\"" + text.slice(0, 40) + "\\": " + r.toFixed(2) + ":1");
            }
            for (const b of document.querySelectorAll("button:enabled")) {
              if (!shown(b)) continue;
              const r = ratio(parse(getComputedStyle(b).borderTopColor), behind(b.parentElement));
              if (r < %s) tooFaint.push(name(b) + "'s edge: " + r.toFixed(2) + ":1");
            }
            return JSON.stringify({ page: luminance(behind(document.body)), measured: [...new Set(measured)], tooFaint });
            """.formatted(TEXT, CONTROL_EDGE);

    /**
     * The page as a browser shows it now. Text is every text node shown, against every background
     * behind it blended down to the first opaque one; disabled buttons are left out, as WCAG
     * leaves them.
     *
     * @param pageLuminance the luminance of the page's background (0 for black, 1 for white)
     * @param measured the kinds of element whose text was measured (tag, id and classes)
     * @param tooFaint each text under {@link #TEXT}, and each enabled button's edge under
     *     {@link #CONTROL_EDGE}, with its ratio
     */
    record Reading(double pageLuminance, List<String> measured, List<String> tooFaint) {

        static Reading of(ChromeDriver browser) {
            return parse((String) browser.executeScript(MEASURE));
        }

        static Reading of(Firefox browser) throws Exception {
            return parse((String) browser.evaluate("(() => {" + MEASURE + "})()"));
        }

        private static Reading parse(String json) {
            Map<String, Object> reading = new Json().toType(json, Json.MAP_TYPE);
            return new Reading(((Number) reading.get("page")).doubleValue(),
                    strings(reading.get("measured")), strings(reading.get("tooFaint")));
        }

        private static List<String> strings(Object list) {
            return ((List<?>) list).stream().map(String::valueOf).toList();
        }
    }

    private Contrast() {
    }
}
