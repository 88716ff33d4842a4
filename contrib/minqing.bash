# bash completion for minqing(1) and minqingd(8)

_minqing()
{
	local cur prev cmd i
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-d|--dir|--by) ((i++)) ;;
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	case $prev in
	-d|--dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
	--category) COMPREPLY=($(compgen -W "property livelihood renovation special-group other" -- "$cur")); return ;;
	--to|--level) COMPREPLY=($(compgen -W "spot group community street district deputy" -- "$cur")); return ;;
	--outcome) COMPREPLY=($(compgen -W "met absent declined resolved explained withdrawn" -- "$cur")); return ;;
	--kind) COMPREPLY=($(compgen -W "resident-team community-branch branch-member" -- "$cur")); return ;;
	--what) COMPREPLY=($(compgen -W "households members visits requests students donations evaluations peers" -- "$cur")); return ;;
	--format) COMPREPLY=($(compgen -W "csv jsonl" -- "$cur")); return ;;
	--by) COMPREPLY=($(compgen -W "node group street" -- "$cur")); return ;;
	--html|--cacert) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	esac
	if [ -z "$cmd" ]; then
		COMPREPLY=($(compgen -W "init id peer upstream member household visit request student donation eval report export log verify sync key --dir --json --by --help --version" -- "$cur"))
		return
	fi
	case $cmd in
	peer) COMPREPLY=($(compgen -W "add revoke list --key --role --reason" -- "$cur")) ;;
	member) COMPREPLY=($(compgen -W "add update list --name --group" -- "$cur")) ;;
	household)
		if [ "$prev" = import ]; then COMPREPLY=($(compgen -f -- "$cur")); return; fi
		COMPREPLY=($(compgen -W "add update remove import list --address --group --people --tags --reason --unvisited --from --to" -- "$cur")) ;;
	visit) COMPREPLY=($(compgen -W "add list --team --with --outcome --date --note" -- "$cur")) ;;
	request) COMPREPLY=($(compgen -W "open escalate reply close reopen list show --category --summary --date --visit --to --note --text --from --outcome --satisfaction --open --overdue --level" -- "$cur")) ;;
	student) COMPREPLY=($(compgen -W "add list --name --university --since" -- "$cur")) ;;
	donation) COMPREPLY=($(compgen -W "add list --student --amount --date --from" -- "$cur")) ;;
	eval) COMPREPLY=($(compgen -W "add list --year --kind --subject --score --note" -- "$cur")) ;;
	report) COMPREPLY=($(compgen -W "--from --to --by --html --json" -- "$cur")) ;;
	export) COMPREPLY=($(compgen -W "--what --format" -- "$cur")) ;;
	log) COMPREPLY=($(compgen -W "--after --batch" -- "$cur")) ;;
	sync) COMPREPLY=($(compgen -W "status now" -- "$cur")) ;;
	key) COMPREPLY=($(compgen -W "rotate" -- "$cur")) ;;
	upstream) COMPREPLY=($(compgen -W "set --key --cacert --pin" -- "$cur")) ;;
	init) COMPREPLY=($(compgen -W "--node --hub --shared" -- "$cur")) ;;
	esac
}
complete -F _minqing minqing

_minqingd()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	case $prev in
	-d|--dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
	esac
	COMPREPLY=($(compgen -W "-d --dir -v --verbose --check-config -h --help -V --version" -- "$cur"))
}
complete -F _minqingd minqingd
