package notify

import "github.com/konullu/konullu"

// The news that a guardian's consent is on record (issue 12: a minor is told
// when they can take shifts), added to the catalogs at start.
func init() {
	texts := map[konullu.Language][2]string{
		konullu.LanguageAz: {"Valideyn razılığınız qeydə alındı",
			"Koordinator valideyninizin və ya qəyyumunuzun razılığını qeydə aldı. İndi növbələrə yazıla bilərsiniz."},
		konullu.LanguageEn: {"Your guardian's consent is recorded",
			"A coordinator recorded your parent's or guardian's consent. You can now sign up for shifts."},
		konullu.LanguageRu: {"Согласие родителя записано",
			"Координатор записал согласие вашего родителя или опекуна. Теперь вы можете записываться на смены."},
	}
	for lang, t := range texts {
		c := catalogs[lang]
		c.titles[konullu.NotifyConsentRecorded] = t[0]
		c.bodies[konullu.NotifyConsentRecorded] = t[1]
	}
}
