// Choosing an offered account fills the account field; typing again
// forgets the choice, so the server matches the typed name instead.
document.addEventListener("click", (event) => {
  const choice = event.target.closest(".account-suggestion");
  if (!choice) return;
  document.getElementById("id_account_name").value = choice.dataset.accountName;
  document.getElementById("id_account").value = choice.dataset.accountId;
  document.getElementById("account-suggestions").replaceChildren();
  document.getElementById("new-account-fields").hidden = true;
});
document.addEventListener("input", (event) => {
  if (event.target.id !== "id_account_name") return;
  document.getElementById("id_account").value = "";
  document.getElementById("new-account-fields").hidden = false;
});
