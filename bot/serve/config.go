package serve

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/veiviser/veiviser/bot/telegram"
)

// Config is everything `veiviser serve` is configured with.
type Config struct {
	Telegram    telegram.Config
	DB          string
	ContentDir  string
	AdvisorChat int64
	Staff       []int64
	Advisors    []int64  // who may act as an advisor in the group; empty: every member
	Web         string   // address of the web chat (VEIVISER_WEB); empty: off
	WebEmbed    []string // origins that may embed the web chat (VEIVISER_WEB_EMBED)
	WebOnly     bool     // no Telegram: only the web chat
	HTTP        string   // address of /healthz and /metrics (VEIVISER_HTTP), in either mode; empty: off
	DBKey       string   // the database's secret key, kept apart (VEIVISER_DB_KEY_FILE); empty: beside the database
	Retention   time.Duration
	RaiseAfter  time.Duration
	LogLevel    slog.Level
}

// tokenPattern is what a bot token from @BotFather looks like.
var tokenPattern = regexp.MustCompile(`^[0-9]{1,20}:[A-Za-z0-9_-]{1,100}$`)

// Parse reads the environment, then flags of the same name (lower case,
// e.g. --telegram-api-url) that win over it; the token is not a flag. It
// touches no process state, so tests can call it with any env.
func Parse(args, env []string) (Config, error) {
	vars := map[string]string{}
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vars[k] = v
		}
	}
	names := []string{"TELEGRAM_TOKEN", "TELEGRAM_TOKEN_FILE", "TELEGRAM_API_URL", "VEIVISER_DB", "VEIVISER_CONTENT_DIR",
		"VEIVISER_ADVISOR_CHAT", "VEIVISER_ADVISORS", "VEIVISER_DB_KEY_FILE", "VEIVISER_STAFF", "VEIVISER_WEBHOOK_URL", "VEIVISER_WEBHOOK_SECRET", "VEIVISER_LISTEN",
		"VEIVISER_HTTP", "VEIVISER_RETENTION", "VEIVISER_SEND_LIMITS", "VEIVISER_RAISE_AFTER", "LOG_LEVEL",
		"VEIVISER_WEB", "VEIVISER_WEB_EMBED"}
	fl := flag.NewFlagSet("serve", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	webOnly := fl.Bool("web-only", false, "serve the web chat only, without Telegram")
	flags := map[string]*string{}
	for _, n := range names {
		if n == "TELEGRAM_TOKEN" {
			// Not a flag: a command line is visible to every user of the
			// machine (ps). The token comes from the environment or a file.
			flags[n] = new(string)
			continue
		}
		flags[n] = fl.String(strings.ReplaceAll(strings.ToLower(n), "_", "-"), "", n)
	}
	if err := fl.Parse(args); err != nil {
		return Config{}, fmt.Errorf("serve: %w", err)
	}
	get := func(name, def string) string {
		if v := *flags[name]; v != "" {
			return v
		}
		if v := vars[name]; v != "" {
			return v
		}
		return def
	}
	cfg := Config{DB: get("VEIVISER_DB", "veiviser.db"), ContentDir: get("VEIVISER_CONTENT_DIR", ""), Web: get("VEIVISER_WEB", "")}
	for _, o := range strings.Fields(strings.ReplaceAll(get("VEIVISER_WEB_EMBED", ""), ",", " ")) {
		if u, err := url.Parse(o); err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" || u.Path != "" {
			return cfg, fmt.Errorf("VEIVISER_WEB_EMBED: %q must be an origin like https://www.centre.no", o)
		}
		cfg.WebEmbed = append(cfg.WebEmbed, o)
	}
	if *webOnly && cfg.Web == "" {
		cfg.Web = "127.0.0.1:8080"
	}
	tc := &cfg.Telegram
	// Trimmed: an env file written on Windows leaves a \r that would end
	// up in every request URL, and in error messages quoting it.
	tc.Token = strings.TrimSpace(get("TELEGRAM_TOKEN", ""))
	if file := get("TELEGRAM_TOKEN_FILE", ""); file != "" && tc.Token == "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return cfg, fmt.Errorf("TELEGRAM_TOKEN_FILE: %w", err)
		}
		tc.Token = strings.TrimSpace(string(b))
	}
	if *webOnly {
		tc.Token = ""
	}
	cfg.WebOnly = tc.Token == "" && cfg.Web != ""
	if tc.Token == "" && !cfg.WebOnly {
		return cfg, errors.New("TELEGRAM_TOKEN is required (from @BotFather), or TELEGRAM_TOKEN_FILE; or set VEIVISER_WEB (or --web-only) to serve only the web chat")
	}
	if cfg.WebOnly {
		return cfg.rest(get)
	}
	if !tokenPattern.MatchString(tc.Token) {
		return cfg, errors.New("TELEGRAM_TOKEN does not look like a bot token (digits, a colon, then letters, digits, _ and -)")
	}
	tc.APIURL = get("TELEGRAM_API_URL", "")
	if tc.APIURL != "" {
		// Checked here, not by the first request, whose error would quote
		// the whole URL with the token in it.
		u, err := url.Parse(tc.APIURL)
		if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
			return cfg, errors.New("TELEGRAM_API_URL must be an http(s) URL like https://api.telegram.org")
		}
	}
	tc.WebhookURL = get("VEIVISER_WEBHOOK_URL", "")
	tc.WebhookSecret = get("VEIVISER_WEBHOOK_SECRET", "")
	tc.Listen = get("VEIVISER_LISTEN", "127.0.0.1:8443")
	if tc.WebhookURL != "" && !strings.HasPrefix(tc.WebhookURL, "https://") {
		return cfg, errors.New("VEIVISER_WEBHOOK_URL must start with https:// (Telegram only calls https webhooks)")
	}
	if tc.WebhookURL != "" && len(tc.WebhookSecret) < 16 {
		return cfg, errors.New("VEIVISER_WEBHOOK_SECRET must be set (16+ characters of A-Z, a-z, 0-9, _ and -) in webhook mode")
	}
	limits, err := telegram.ParseLimits(get("VEIVISER_SEND_LIMITS", telegram.DefaultLimits))
	if err != nil {
		return cfg, fmt.Errorf("VEIVISER_SEND_LIMITS: %w", err)
	}
	tc.Limits = limits
	return cfg.rest(get)
}

// rest reads what both channels share.
func (cfg Config) rest(get func(name, def string) string) (Config, error) {
	var err error
	if s := get("VEIVISER_ADVISOR_CHAT", ""); s != "" {
		if cfg.AdvisorChat, err = strconv.ParseInt(s, 10, 64); err != nil || cfg.AdvisorChat >= 0 {
			return cfg, fmt.Errorf("VEIVISER_ADVISOR_CHAT %q must be a group chat ID (negative, like -1001234567890)", s)
		}
	}
	cfg.DBKey = get("VEIVISER_DB_KEY_FILE", "")
	cfg.HTTP = get("VEIVISER_HTTP", "127.0.0.1:9090")
	if cfg.Staff, err = userIDs("VEIVISER_STAFF", get("VEIVISER_STAFF", "")); err != nil {
		return cfg, err
	}
	if cfg.Advisors, err = userIDs("VEIVISER_ADVISORS", get("VEIVISER_ADVISORS", "")); err != nil {
		return cfg, err
	}
	if cfg.Retention, err = time.ParseDuration(get("VEIVISER_RETENTION", "720h")); err != nil || cfg.Retention <= 0 {
		return cfg, fmt.Errorf("VEIVISER_RETENTION %q must be a duration like 720h", get("VEIVISER_RETENTION", ""))
	}
	if cfg.RaiseAfter, err = time.ParseDuration(get("VEIVISER_RAISE_AFTER", "1h")); err != nil || cfg.RaiseAfter <= 0 {
		return cfg, fmt.Errorf("VEIVISER_RAISE_AFTER %q must be a duration like 45m", get("VEIVISER_RAISE_AFTER", ""))
	}
	cfg.Telegram.AdvisorChat = cfg.AdvisorChat
	cfg.Telegram.Staff = cfg.Staff
	if err := cfg.LogLevel.UnmarshalText([]byte(get("LOG_LEVEL", "info"))); err != nil {
		return cfg, fmt.Errorf("LOG_LEVEL: %w", err)
	}
	return cfg, nil
}

// userIDs parses a comma-separated list of Telegram user IDs.
func userIDs(name, list string) ([]int64, error) {
	var out []int64
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("%s: %q is not a Telegram user ID", name, s)
		}
		out = append(out, id)
	}
	return out, nil
}
