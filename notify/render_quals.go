package notify

import "github.com/konullu/konullu"

// The warning of a qualification about to expire (training and
// qualifications, issue 15), added to the catalogs at start.
func init() {
	texts := map[konullu.Language][2]string{
		konullu.LanguageAz: {"«{qualification}» ixtisasınızın müddəti bitir",
			"«{qualification}» ixtisasınızın müddəti {expires} bitir. Bundan sonra onu tələb edən vəzifələrdə növbə götürə bilməyəcəksiniz: kursu yenidən keçin və ya koordinatorunuza müraciət edin."},
		konullu.LanguageEn: {"Your qualification \"{qualification}\" expires soon",
			"Your qualification \"{qualification}\" expires on {expires}. After that you cannot take shifts in positions that require it: take the course again or ask your coordinator."},
		konullu.LanguageRu: {"Срок квалификации «{qualification}» истекает",
			"Срок вашей квалификации «{qualification}» истекает {expires}. После этого вы не сможете брать смены на должностях, где она нужна: пройдите курс снова или обратитесь к координатору."},
	}
	for lang, t := range texts {
		c := catalogs[lang]
		c.titles[konullu.NotifyQualificationExpiring] = t[0]
		c.bodies[konullu.NotifyQualificationExpiring] = t[1]
	}
}
