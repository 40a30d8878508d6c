package bot_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/veiviser/veiviser/bot"
	"github.com/veiviser/veiviser/bot/bottest"
	"github.com/veiviser/veiviser/content"
)

// TestBadReloadKeepsRunningContent: a content directory edited into an
// invalid state is refused on reload (SIGHUP or /reload); the running
// content stays and staff get the file:line problems.
func TestBadReloadKeepsRunningContent(t *testing.T) {
	bad := func() (*content.Catalog, content.Report, error) {
		return content.Load(fstest.MapFS{"01-x.yaml": {Data: []byte("topic:\n  id: x\n  order: [\n")}})
	}
	e, st := bottest.Engine(t, "", bot.Config{Staff: []int64{111}, Reload: bad})
	before := e.Catalog()
	if err := e.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if e.Catalog() != before {
		t.Error("a bad reload replaced the running content")
	}
	got := drain(t, st)
	if len(got) != 1 || got[0].Chat != 111 || !strings.Contains(got[0].Text, "01-x.yaml:3") {
		t.Errorf("staff were not told what is wrong: %+v", got)
	}
}
