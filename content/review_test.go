package content

import (
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"
)

// TestReviewRoundTrip: a confirmation, a correction and a recording are
// written into the YAML and read back, survive a zip upload of the whole
// catalog, and a review made from an older nb text is refused.
func TestReviewRoundTrip(t *testing.T) {
	cat, _, err := LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	files := maps.Clone(cat.Files())
	e := cat.Entry("legal-aid")
	day := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	voice := []byte("OggS\x00\x02 test recording")

	if _, err := ApplyReview(files, Review{Entry: "legal-aid", Lang: "so", By: "Amina", From: "0123456789ab"}); err == nil || !strings.Contains(err.Error(), ErrSourceChanged.Error()) {
		t.Fatalf("a review of an older nb text: %v", err)
	}
	files, err = ApplyReview(files, Review{Entry: "legal-aid", Lang: "so", By: "Amina Yusuf", On: day, From: e.SourceHash(), Title: "Caawimaad sharci oo bilaash ah", Body: "Qoraal cusub."})
	if err != nil {
		t.Fatal(err)
	}
	files, err = ApplyReview(files, Review{Entry: "legal-aid", Lang: "ar", By: "Hodan", On: day, From: e.SourceHash(), Audio: voice})
	if err != nil {
		t.Fatal(err)
	}
	got, report, err := FromFiles(files)
	if err != nil {
		t.Fatalf("reviewed content does not load: %v", report)
	}
	so, ar := got.Entry("legal-aid").Text["so"], got.Entry("legal-aid").Text["ar"]
	if so.Status != StatusReviewed || so.ReviewedBy != "Amina Yusuf" || !so.ReviewedOn.Equal(day) || so.Title != "Caawimaad sharci oo bilaash ah" || so.Body != "Qoraal cusub." {
		t.Errorf("the correction read back as %+v", so)
	}
	if ar.Status != StatusDraft || ar.Audio == nil || got.Entry("legal-aid").Recording("ar") == nil {
		t.Errorf("the recording read back as %+v", ar)
	}
	if data, ok := got.AudioData(ar.Audio.SHA256); !ok || string(data) != string(voice) {
		t.Error("the recording's bytes are not in the catalog")
	}

	zipped, _, err := Stage(cat, "catalog.zip", zipOf(t, map[string][]byte{
		"catalog/" + e.File: files[e.File], "catalog/" + AudioFile("legal-aid", "ar"): voice,
		"catalog/01-help-now.yaml": files["01-help-now.yaml"], "catalog/02-residence.yaml": files["02-residence.yaml"],
		"catalog/03-introduction.yaml": files["03-introduction.yaml"], "catalog/04-child-welfare.yaml": files["04-child-welfare.yaml"],
		"catalog/06-about.yaml": files["06-about.yaml"], "catalog/centre.yaml": files["centre.yaml"], "catalog/signals.yaml": files["signals.yaml"],
	}))
	if err != nil {
		t.Fatalf("a zip with a recording: %v", err)
	}
	if zipped.Entry("legal-aid").Recording("ar") == nil {
		t.Error("the recording did not survive the zip")
	}
	delete(files, AudioFile("legal-aid", "ar"))
	if _, report, err := FromFiles(files); err == nil || !strings.Contains(fmt.Sprint(report), "not in the content's audio folder") {
		t.Errorf("a missing recording file: %v", report)
	}
}
