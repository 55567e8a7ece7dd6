package konullu_test

import (
	"slices"
	"testing"

	"github.com/konullu/konullu"
)

func TestChannelMask(t *testing.T) {
	if m := konullu.ChannelMask(nil); !slices.Equal(konullu.ChannelsOf(m), []konullu.Channel{konullu.ChannelInApp}) {
		t.Errorf("in-app is always on: %v", konullu.ChannelsOf(m))
	}
	all := konullu.ChannelMask([]konullu.Channel{konullu.ChannelWebhook, konullu.ChannelEmail})
	if got := konullu.ChannelsOf(all); !slices.Equal(got, konullu.AllChannels) {
		t.Errorf("round trip: %v", got)
	}
	if got := konullu.ChannelsOf(konullu.DefaultChannelMask); !slices.Equal(got, konullu.DefaultNotificationSettings().Channels) {
		t.Errorf("defaults: %v", got)
	}
	if konullu.ChannelMask([]konullu.Channel{"SMOKE_SIGNAL"}) != konullu.ChannelMask(nil) {
		t.Error("an unknown channel counted")
	}
}

func TestParseLanguage(t *testing.T) {
	for in, want := range map[string]konullu.Language{"az": "az", " EN ": "en", "Ru": "ru"} {
		if got, err := konullu.ParseLanguage("language", in); err != nil || got != want {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
	if _, err := konullu.ParseLanguage("language", "tr"); konullu.ErrorCode(err) != konullu.EINVALID {
		t.Errorf("tr: %v", err)
	}
}

func TestMaskEmail(t *testing.T) {
	for in, want := range map[string]string{"aysel.m@example.az": "a***@example.az", "x@y.z": "x***@y.z", "nonsense": "***", "@a.b": "***"} {
		if got := konullu.MaskEmail(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
