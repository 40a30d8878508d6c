package main

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/veiviser/veiviser/bot/telegram/telegramtest"
)

const chromium = "/usr/bin/chromium"

// needChromium returns the browser, installing Debian's chromium in CI
// (CI=true) when it is missing; elsewhere a missing browser skips.
func needChromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a browser")
	}
	if _, err := os.Stat(chromium); err == nil {
		return chromium
	}
	if os.Getenv("CI") != "true" {
		t.Skip("no chromium: run with CI=true to install it (apt-get install chromium)")
	}
	cmd := exec.Command("apt-get", "install", "-y", "-q", "chromium")
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("install chromium: %v\n%s", err, out)
	}
	return chromium
}

// browser is a headless chromium at phone size, closed when the test ends.
// A browser that dies while starting is started again, twice at most: CI
// once saw chromium crash at start-up beside the other test binaries, and
// that says nothing about the web chat.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(needChromium(t)),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// Debian's launcher means to add this when /dev/shm is small, but
		// its check breaks where findmnt prints more than one line.
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(390, 844),
	)
	var err error
	for attempt := 1; attempt <= 3; attempt++ {
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(slices.Clip(opts), chromedp.UserDataDir(t.TempDir()))...)
		ctx, cancel := chromedp.NewContext(alloc)
		// The first run starts the browser, on this context without a
		// deadline: a deadline on it would stop the browser itself.
		if err = chromedp.Do(ctx); err == nil {
			t.Cleanup(func() { cancel(); cancelAlloc() })
			return ctx
		}
		cancel()
		cancelAlloc()
		t.Logf("start chromium, attempt %d: %v", attempt, err)
	}
	t.Fatalf("start chromium: %v", err)
	return nil
}

// TestWebChatInABrowser drives the web chat in a real headless browser,
// served by `veiviser serve` with the advisors' group on the fake Bot API:
// pick Arabic and see the page turn right to left, ask in free text, press
// a button, write danger and see the emergency numbers first, talk to an
// advisor and get her reply, and leave with quick exit. With
// VEIVISER_SCREENSHOTS=DIR it saves the page in nb and ar at phone width.
func TestWebChatInABrowser(t *testing.T) {
	ctx := browser(t)
	fake := newFake(t)
	fake.Forum = true
	addr := freePort(t)
	const group = -100999
	startServe(t, fake, "", "VEIVISER_WEB="+addr, "VEIVISER_ADVISOR_CHAT=-100999")
	url := "http://" + addr + "/"
	if !fake.WaitFor(20*time.Second, func() bool {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == http.StatusOK
	}) {
		t.Fatal("the web chat never came up")
	}
	step := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, steps...); err != nil {
			page, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(-600) : ""`))
			t.Fatalf("%s: %v\npage ends with: %s", what, err, page)
		}
	}
	eval := func(expr string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return v
	}
	shot := func(name string) {
		t.Helper()
		dir := os.Getenv("VEIVISER_SCREENSHOTS")
		if dir == "" {
			return
		}
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// botSays waits until a message of the bot contains text.
	botSays := func(text string) chromedp.Action[chromedp.Void] {
		return chromedp.Poll[chromedp.Void](`[...document.querySelectorAll(".msg.bot")].some(m => m.textContent.includes(`+jsString(text)+`))`,
			chromedp.WithPollingTimeout(20*time.Second))
	}
	click := func(data string) chromedp.Action[chromedp.Void] {
		return chromedp.Click(chromedp.CSS(`.msg.bot button[data-data="`+data+`"]`), chromedp.NodeVisible)
	}
	write := func(text string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(chromedp.SendKeys(chromedp.CSS(`#text`), text), chromedp.Click(chromedp.CSS(`#send`)))
	}

	step("open the page and pick Norwegian", chromedp.EmulateViewport(390, 844), chromedp.Navigate(url), click("l:nb"), botSays("Hjelp nå"))
	shot("web-chat-nb.png")
	step("pick Arabic", click("l:ar"), botSays("الإقامة"))
	if dir, lang := eval(`document.documentElement.dir`), eval(`document.documentElement.lang`); dir != "rtl" || lang != "ar" {
		t.Errorf("after choosing Arabic the page is dir=%q lang=%q, want rtl ar", dir, lang)
	}
	shot("web-chat-ar.png")
	// No horizontal scroll at phone width, in either direction.
	if wide := eval(`[...document.querySelectorAll("*")].filter(e => { const r = e.getBoundingClientRect(); return r.right > innerWidth + 1 || r.left < -1 }).map(e => e.tagName + "." + e.className + "#" + e.id).slice(0, 5).join(" ")`); wide != "" {
		t.Errorf("elements outside the screen at 390 px in Arabic: %s", wide)
	}
	step("ask in her words", write("زوجي أخذ جواز سفري ولا يريد أن يعيده"), botSays("02800"))
	step("press a button under the answer", click("e:about-centre"), botSays("Ressurssenteret"))
	n := eval(`String(document.querySelectorAll(".msg.bot").length)`)
	step("write danger", write("ساعدوني هو هنا وسيقتلني"),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll(".msg.bot").length > `+n, chromedp.WithPollingTimeout(20*time.Second)))
	last := eval(`document.querySelectorAll(".msg.bot")[` + n + `].textContent`)
	links := eval(`[...document.querySelectorAll(".msg.bot")[` + n + `].querySelectorAll("a[href^='tel:']")].map(a => a.getAttribute("href")).join(" ")`)
	if !strings.Contains(last, "112") || !strings.Contains(links, "tel:112") {
		t.Errorf("the answer to danger does not start with the emergency numbers as links: %.80q, links %q", last, links)
	}

	// A person: the advisors get her summary in a topic, and the advisor's
	// reply reaches her page.
	step("ask for a person", write("/advisor"), click("pc"))
	if !fake.WaitFor(20*time.Second, func() bool { return len(sentTo(fake, group)) > 0 }) {
		t.Fatal("the advisors never got her summary")
	}
	summary := sentTo(fake, group)[0]
	if !strings.Contains(summary.Params["text"], "nettchatten") && !strings.Contains(summary.Params["text"], "web chat") {
		t.Errorf("the summary does not say she writes from the web chat: %q", summary.Params["text"])
	}
	fake.AddUpdate(telegramtest.GroupMessage(group, 7, 900, int(summary.Int("message_thread_id")), true, "Hello, I am Amina from the centre"))
	step("get the advisor's reply", botSays("Amina from the centre"))

	// Quick exit: the chat is gone from the tab and not behind "back".
	before := eval(`String(history.length)`)
	step("quick exit", chromedp.Click(chromedp.CSS(`#quick-exit`)), chromedp.Sleep(700*time.Millisecond))
	if href := eval(`location.href`); strings.HasPrefix(href, url) {
		t.Errorf("after quick exit the tab still shows the chat: %s", href)
	}
	if after := eval(`String(history.length)`); after > before {
		t.Errorf("quick exit added to the history (%s → %s): back would lead to the chat", before, after)
	}
}

func jsString(s string) string { return "`" + strings.ReplaceAll(s, "`", "\\`") + "`" }
